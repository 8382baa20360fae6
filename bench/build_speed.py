"""Build speed: our loader into an on-disk pyoxigraph store vs `oxigraph load` of the same triples.

    python bench/build_speed.py [--sizes bundled,10000,100000] [--out bench/results/build.json]

Each size runs in a fresh subprocess (peak memory = its max RSS). For each size: generate the
synthetic records (bench/generate.py, seeded), time `rallynov`'s path (read, check, map, publish
atomically to disk), dump the same triples as N-Triples, and time `oxigraph load` on them.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from loaders import build_graphs
from endpoint.store import OnDiskStore
from endpoint.store.embedded import ntriples
source, store_dir, nt_file = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t0 = time.perf_counter()
result = build_graphs([] if source == "bundled" else [Path(source)], include_default=source == "bundled")
t1 = time.perf_counter()
meta = OnDiskStore(store_dir).publish(result.named_triples())
t2 = time.perf_counter()
validation = None
try:
    from loaders.validation import validate_build
    if source == "bundled" or len(result.public_triples) < 200_000:
        t3 = time.perf_counter(); report = validate_build(result); validation = time.perf_counter() - t3
except ImportError:
    pass
nt_file.write_bytes(b"".join(ntriples(t) for t in result.named_triples().values()))
print(json.dumps({"map_s": t1 - t0, "publish_s": t2 - t1, "build_s": t2 - t0, "triples": meta.triples,
                  "validation_s": validation,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_size(size: str, work: Path) -> dict[str, object]:
    if size == "bundled":
        source = "bundled"
    else:
        source = str(work / f"records-{size}")
        subprocess.run([sys.executable, str(HERE / "generate.py"), size, source], check=True)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, source, str(work / f"store-{size}"), str(work / f"{size}.nt")],
        check=True, capture_output=True, text=True, cwd=HERE.parent,
    )
    ours = json.loads(out.stdout.strip().splitlines()[-1])
    oxi_dir = work / f"oxigraph-{size}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(["oxigraph", "load", "--location", str(oxi_dir), "--file", str(work / f"{size}.nt")],
                   check=True, capture_output=True)
    oxi_s = time.perf_counter() - t0
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    triples = int(ours["triples"])
    return {
        "size": size, **ours,
        "ours_triples_per_s": triples / float(ours["build_s"]),
        "oxigraph_load_s": oxi_s, "oxigraph_triples_per_s": triples / oxi_s,
        "ratio_to_oxigraph": (triples / float(ours["build_s"])) / (triples / oxi_s),
        "oxigraph_peak_mb_upper_bound": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="bundled,10000,100000")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "build.json")
    args = parser.parse_args()
    if not shutil.which("oxigraph"):
        sys.exit("the 'oxigraph' command is missing: pip install oxigraph")
    rows = []
    with tempfile.TemporaryDirectory(prefix="rallynov-bench-") as tmp:
        for size in args.sizes.split(","):
            row = run_size(size, Path(tmp))
            print(json.dumps(row), flush=True)
            rows.append(row)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"python": platform.python_version(), "machine": platform.machine(),
               "processor": platform.processor(), "cpus": __import__("os").cpu_count()}
    args.out.write_text(json.dumps({"machine": machine, "rows": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
