"""Build speed: our loader into an on-disk pyoxigraph store vs `oxigraph load` of the same triples,
and validation time (record by record, and over the whole public graph where feasible), each
size in a fresh subprocess.

    python bench/build_speed.py [--sizes bundled,10000,100000] [--out bench/results/build.json]

``bench/run.py`` calls :func:`build_size` and :func:`validate_size`; this script runs them alone.
For each size: generate the synthetic records (bench/generate.py, seeded), time `rallynov`'s path
(read, check, map; publish atomically to disk), write the same triples as N-Triples (all graphs,
and the public ones the peers serve), and time `oxigraph load` on all of them. Peak memory is
the child's max RSS.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import peers

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

BUILD_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import pyoxigraph as ox
from loaders import build_graphs
from loaders.iris import PUBLIC_GRAPHS
from endpoint.store import OnDiskStore
source, store_dir, all_nt, public_nt, all_nq = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5])
t0 = time.perf_counter()
result = build_graphs([] if source == "bundled" else [Path(source)], include_default=source == "bundled")
t1 = time.perf_counter()
graphs = result.named_triples()  # mapped to N-Triples, by one worker process per core on large inputs
t2 = time.perf_counter()
store = OnDiskStore(store_dir)
meta = store.publish(graphs)
t3 = time.perf_counter()
all_nt.write_bytes(b"".join(t.data for t in graphs.values()))
public = {str(g) for g in PUBLIC_GRAPHS}
public_nt.write_bytes(b"".join(t.data for g, t in graphs.items() if str(g) in public))
with all_nq.open("wb") as out:
    store.memory().oxigraph.dump(out, ox.RdfFormat.N_QUADS)
print(json.dumps({"read_check_s": t1 - t0, "map_s": t2 - t1, "publish_s": t3 - t2, "build_s": t3 - t0,
                  "triples": meta.triples, "workers": __import__("loaders.ntriples").ntriples.workers_for(len(result.records)),
                  "public_triples": sum(len(t) for g, t in graphs.items() if str(g) in public),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

VALIDATE_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from loaders import build_graphs
source, method = sys.argv[1], sys.argv[2]
t_start = time.perf_counter()
result = build_graphs([] if source == "bundled" else [Path(source)], include_default=source == "bundled")
import loaders.validation as validation
def cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime
t_read = time.perf_counter()
result.public_triples  # mapped here, so that the times below are the validation's alone
t_map = time.perf_counter()
cache = None
if method == "records":  # with an empty cache: what a first run costs, and it fills the cache
    import tempfile
    from loaders.validation_cache import ValidationCache
    cache = ValidationCache(Path(tempfile.mkdtemp(prefix="rallynov-vcache-")) / "v.sqlite")
c0, w0, t0 = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
report = validation.validate_build(result, method=method, cache=cache)
t1 = time.perf_counter()
cpu_s = cpu(resource.RUSAGE_SELF) - c0 + cpu(resource.RUSAGE_CHILDREN) - w0
extra = {"read_check_s": t_read - t_start, "map_s": t_map - t_read}
if cache is not None:
    # again, unchanged; then with one innovation changed (its label removed: a violation)
    again = validation.validate_build(result, cache=cache)
    t2 = time.perf_counter()
    from loaders.build import BuildResult
    from rdflib.namespace import RDFS
    target = next(s for s, p, o in result.public_triples if "/id/innovation/" in s)
    changed = BuildResult([t for t in result.public_triples if (t[0], t[1]) != (target, RDFS.label)],
                          [], result.vocabulary, result.records, result.files)
    t3 = time.perf_counter()
    edited = validation.validate_build(changed, cache=cache)
    t4 = time.perf_counter()
    extra.update(cached_unchanged_s=t2 - t1, cached_reused=again.reused,
                 cached_changed_s=t4 - t3, changed_revalidated=edited.records_checked - edited.reused,
                 changed_violations=edited.violations, cache_mb=cache.path.stat().st_size / 1e6)
    cache.close()
    __import__("shutil").rmtree(cache.path.parent)
print(json.dumps({**extra, "validation_s": t1 - t0, "violations": report.violations,
                  "warnings": report.warnings, "records_checked": report.records_checked,
                  "public_triples": len(result.public_triples),
                  "method": report.method, "workers": report.workers,
                  "cpu_s": cpu_s,
                  "results": len(report.results),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def records_for(size: str, work: Path) -> str:
    """The source given to the loader: ``bundled``, or a folder of generated records."""
    if size == "bundled":
        return "bundled"
    folder = work / f"records-{size}"
    if not (folder / "innovations.csv").exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), size, str(folder)],  # noqa: S603
            check=True,
            cwd=ROOT,
        )
    return str(folder)


def _child(code: str, args: list[str], timeout: float | None = None) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        check=False,  # noqa: S603
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )
    if out.returncode:
        raise RuntimeError(f"child failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def cli_build_bundled(work: Path) -> float:
    """Wall time of ``rallynov build --store TMP`` on the bundled data (process start, read,
    map, SHACL validation, atomic publish): the number issue 2's "under 2 s" is about."""
    store = work / "cli-store"
    started = time.perf_counter()
    subprocess.run(
        ["rallynov", "build", "--store", str(store)],
        check=True,  # noqa: S603,S607
        capture_output=True,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    shutil.rmtree(store, ignore_errors=True)
    return elapsed


def build_size(size: str, work: Path) -> dict[str, object]:
    """Build ``size`` into an on-disk store ``work/store-SIZE`` and compare with `oxigraph load`.

    Leaves ``work/SIZE-all.nt`` (every graph) and ``work/SIZE-public.nt`` (what is served)."""
    source = records_for(size, work)
    store = work / f"store-{size}"
    shutil.rmtree(store, ignore_errors=True)
    all_nt, public_nt = work / f"{size}-all.nt", work / f"{size}-public.nt"
    all_nq = work / f"{size}-all.nq"
    ours = _child(BUILD_CHILD, [source, str(store), str(all_nt), str(public_nt), str(all_nq)])
    oxi_s, peak = oxigraph_load(all_nt, work / f"oxigraph-load-{size}")
    quads_s, quads_peak = oxigraph_load(all_nq, work / f"oxigraph-load-quads-{size}")
    all_nq.unlink()
    triples = int(ours["triples"])  # type: ignore[call-overload]
    build_s = float(ours["build_s"])  # type: ignore[arg-type]
    row: dict[str, object] = {
        "size": size,
        "source": source,
        **ours,
        "triples_per_s": triples / build_s,
        "oxigraph_load_s": oxi_s,
        "oxigraph_triples_per_s": triples / oxi_s,
        "speed_ratio_to_oxigraph": oxi_s / build_s,
        "oxigraph_peak_mb": peak,
        # the same quads in the same named graphs as our store (six indexes instead of three)
        "oxigraph_load_quads_s": quads_s,
        "speed_ratio_to_oxigraph_quads": quads_s / build_s,
        "oxigraph_quads_peak_mb": quads_peak,
    }
    if size == "bundled":
        row["cli_build_s"] = cli_build_bundled(work)
    return row


def oxigraph_load(source: Path, location: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``oxigraph load`` of ``source`` into a fresh store."""
    shutil.rmtree(location, ignore_errors=True)
    try:
        return peers.oxigraph_load(location, source)
    finally:
        shutil.rmtree(location, ignore_errors=True)


def validate_size(
    size: str, work: Path, timeout: float, whole: bool = True, records_timeout: float = 3600.0
) -> dict[str, object]:
    """SHACL validation time of ``size``, each method in a fresh child: record by record (what
    ``validate_build`` runs; stopped after ``records_timeout`` s) and, if ``whole``, pyshacl over
    the whole graph (stopped after ``timeout`` s), with the speed-up of the first."""
    source = records_for(size, work)
    row: dict[str, object] = {"size": size}
    try:
        row.update(_child(VALIDATE_CHILD, [source, "records"], timeout=records_timeout))
    except subprocess.TimeoutExpired:
        row.update(validation_s=None, timed_out_after_s=records_timeout)
    if not whole:
        row["whole_skipped"] = "above the size validated over the whole graph"
        return row
    try:
        other = _child(VALIDATE_CHILD, [source, "whole"], timeout=timeout)
    except subprocess.TimeoutExpired:
        row.update(whole_s=None, whole_timed_out_after_s=timeout)
        return row
    row.update(
        whole_s=other["validation_s"],
        whole_cpu_s=other["cpu_s"],
        whole_peak_mb=other["peak_mb"],
        whole_method=other["method"],
        same_summary=all(other[k] == row.get(k) for k in ("violations", "warnings", "results")),
    )
    if row.get("validation_s"):
        row["speed_up"] = float(other["validation_s"]) / float(row["validation_s"])  # type: ignore[arg-type]
    return row


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
            row = build_size(size, Path(tmp))
            print(json.dumps(row), flush=True)
            rows.append(row)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"rows": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
