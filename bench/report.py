"""Write bench/RESULTS.md from every bench/results/*.json, keeping the hand-written analysis.

The analysis lives between ``<!-- analysis -->`` and ``<!-- /analysis -->`` in RESULTS.md and is
carried over verbatim; everything else is regenerated. Ratios are to `oxigraph serve` measured in
the same run: for throughput and speed > 1 is better than oxigraph, for latency, time and memory
< 1 is better.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import math
import os
import platform
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

SIZES = ("bundled", "10000", "100000")
PEERS = ("oxigraph", "ours", "ours-remote", "rdflib-endpoint", "virtuoso")
START, END = "<!-- analysis -->", "<!-- /analysis -->"


def _cmd(args: list[str]) -> str:
    try:
        return (
            subprocess.run(
                args,
                capture_output=True,
                text=True,
                timeout=20,  # noqa: S603
                check=False,
            )
            .stdout.strip()
            .splitlines()[0]
        )
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    libs = {}
    for name in (
        "pyoxigraph",
        "oxigraph",
        "rdflib",
        "pyshacl",
        "flask",
        "waitress",
        "networkx",
        "playwright",
        "sparqlwrapper",
    ):
        try:
            libs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libs[name] = "not installed"
    try:
        from peers import rdflib_endpoint_version

        libs["rdflib-endpoint"] = rdflib_endpoint_version()
    except Exception:  # the venv may not exist yet
        libs["rdflib-endpoint"] = "?"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "libraries": libs,
        "oxigraph_cli": _cmd(["oxigraph", "--version"]),
        "chromium": _cmd(["/usr/bin/chromium", "--version"]),
        "virtuoso": _virtuoso_version(),
    }


def _virtuoso_version() -> str:
    """``Version 7.2.5...`` from the banner ``virtuoso-t`` prints on stderr (with exit status 1)."""
    if not shutil.which("virtuoso-t"):
        return "not installed"
    try:
        out = subprocess.run(
            ["virtuoso-t", "-?"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    found = re.search(r"^Version \S+", out.stdout + out.stderr, re.M)
    return found.group(0) if found else "?"


# -- formatting ------------------------------------------------------------------------------


def ms(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def ratio(a: Any, b: Any) -> float | None:
    return a / b if a is not None and b not in (None, 0) else None


def x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def label(size: str) -> str:
    return {"bundled": "bundled", "10000": "10k", "100000": "100k"}.get(size, size)


def geomean(values: list[float]) -> float | None:
    clean = [v for v in values if v and v > 0]
    return math.exp(sum(map(math.log, clean)) / len(clean)) if clean else None


# -- sections --------------------------------------------------------------------------------


def tput(res: dict[str, Any], peer: str, mode: str) -> float | None:
    data = res.get("peers", {}).get(peer, {}).get("throughput", {})
    entry = data.get(mode) or (data.get("repeated") if mode == "revalidate" else None)
    return entry.get("per_s") if entry else None


def headline(results: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "## Headline: ratios to `oxigraph serve` (same machine, same run)",
        "",
        "Throughput: > 1 means more requests per second than oxigraph. Latency and memory: "
        "< 1 means faster or smaller. Geometric means over every query of the mix.",
        "",
    ]
    rows = []
    for size, res in results.items():
        p = res.get("peers", {})
        ox_lat = p.get("oxigraph", {}).get("latency", {})
        ours_lat = p.get("ours", {}).get("latency", {})
        lat = geomean(
            [
                ratio(ours_lat[q]["median_ms"], ox_lat[q]["median_ms"]) or 0
                for q in ours_lat
                if q in ox_lat
            ]
        )
        rd = tput(res, "rdflib-endpoint", "distinct")
        rows.append(
            [
                label(size),
                x(ratio(tput(res, "ours", "distinct"), tput(res, "oxigraph", "distinct"))),
                x(ratio(tput(res, "ours", "distinct"), rd)) if rd else "not run",
                x(ratio(tput(res, "ours", "repeated"), tput(res, "oxigraph", "repeated"))),
                x(ratio(tput(res, "ours", "revalidate"), tput(res, "oxigraph", "repeated"))),
                x(ratio(tput(res, "ours-remote", "distinct"), tput(res, "oxigraph", "distinct"))),
                x(lat),
                x(
                    ratio(
                        p.get("ours", {}).get("peak_rss_mb"),
                        p.get("oxigraph", {}).get("peak_rss_mb"),
                    )
                ),
                x(res.get("build", {}).get("speed_ratio_to_oxigraph")),
            ]
        )
    return lines + table(
        [
            "size",
            "distinct queries: ours / oxigraph",
            "ours / rdflib-endpoint",
            "repeated: ours / oxigraph",
            "repeated + If-None-Match: ours / oxigraph",
            "ours on remote store / oxigraph (distinct)",
            "median latency (geomean)",
            "peak memory",
            "build speed (triples/s)",
        ],
        rows,
    )


def build_section(results: dict[str, dict[str, Any]]) -> list[str]:
    rows, vrows = [], []
    for size, res in results.items():
        b = res.get("build", {})
        rows.append(
            [
                label(size),
                num(b.get("triples")),
                num(b.get("read_check_s")),
                num(b.get("map_s")),
                str(b.get("workers", 1)),
                num(b.get("publish_s")),
                num(b.get("build_s")),
                num(b.get("triples_per_s")),
                num(b.get("oxigraph_load_s")),
                x(b.get("speed_ratio_to_oxigraph")),
                num(b.get("oxigraph_load_quads_s")),
                x(b.get("speed_ratio_to_oxigraph_quads")),
                num(b.get("peak_mb")),
                num(b.get("oxigraph_peak_mb")),
            ]
        )
        v = res.get("validation", {})
        if v.get("validation_s") is not None:
            vrows.append(
                [
                    label(size),
                    num(v["validation_s"]),
                    str(v.get("records_checked", "-")),
                    str(v.get("violations", "-")),
                    v.get("method", ""),
                    str(v.get("workers", "-")),
                    num(v.get("peak_mb")),
                    whole_graph(v),
                    x(v.get("speed_up")),
                    num(v.get("cached_unchanged_s")),
                    again(v),
                ]
            )
        else:
            why = v.get("skipped") or (
                f"stopped after {v['timed_out_after_s']:.0f} s (not finished)"
                if v.get("timed_out_after_s")
                else "-"
            )
            method = v.get("method", "pyshacl over the whole public graph")
            vrows.append(
                [label(size), why, "-", "-", method, "-", "-", whole_graph(v), "-", "-", "-"]
            )
    out = [
        "## Build (issue 2)",
        "",
        "Ours: read and check the records (`loaders.build_graphs`), map them to N-Triples "
        "(`BuildResult.named_triples()`: one forked worker per core on large inputs), then publish "
        "atomically to the on-disk store (`OnDiskStore.publish`, pyoxigraph's bulk loader, into "
        "our three named graphs); no validation (next table). `oxigraph load`: the same triples as "
        "N-Triples into a fresh store's default graph (the issue's reference); 'oxigraph load, "
        "named graphs': the same quads as N-Quads, in the same named graphs as ours (oxigraph then "
        "fills six indexes instead of three, as our store does). Each in its own process; peak = "
        "max RSS.",
        "",
    ]
    out += table(
        [
            "size",
            "triples",
            "read+check s",
            "map s",
            "workers",
            "publish s",
            "ours s",
            "ours triples/s",
            "oxigraph load s",
            "ours speed / oxigraph",
            "oxigraph load, named graphs s",
            "ours speed / oxigraph named graphs",
            "ours peak MB",
            "oxigraph peak MB",
        ],
        rows,
    )
    bundled = results.get("bundled", {}).get("build", {}).get("cli_build_s")
    if bundled is not None:
        out += [
            f"`rallynov build --store DIR` on the bundled data, wall time with process start and "
            f"SHACL validation: **{bundled:.2f} s**.",
            "",
        ]
    out += [
        "## Validation (issue 3)",
        "",
        "What `loaders.validation.validate_build` runs (method column; 'workers': processes "
        "checking records in parallel), in a fresh process; then, for comparison, pyshacl over "
        "the whole public graph plus the vocabulary support in another fresh process ('whole "
        "graph s'), and the speed-up = whole graph s / seconds (> 1: the first is faster). "
        "'seconds' starts from an empty validation cache; the same process then validates again "
        "with nothing changed ('unchanged s': every record's results from the cache) and with "
        "one innovation's label removed ('one record changed': seconds, and records checked "
        "again). Reading and mapping the records come before all of these and are not counted.",
        "",
    ]
    return out + table(
        [
            "size",
            "seconds",
            "records checked",
            "violations",
            "method",
            "workers",
            "peak MB",
            "whole graph s",
            "speed-up",
            "unchanged s",
            "one record changed",
        ],
        vrows,
    )


def again(v: dict[str, Any]) -> str:
    """Seconds to validate again after one record changed, and how many records were checked."""
    if v.get("cached_changed_s") is None:
        return "-"
    return f"{num(v['cached_changed_s'])} ({v.get('changed_revalidated', '?')} checked)"


def whole_graph(v: dict[str, Any]) -> str:
    """The whole-graph comparison run of a validation row: seconds, or why there is none."""
    if v.get("whole_s") is not None:
        return num(v["whole_s"])
    if v.get("whole_timed_out_after_s"):
        return f"stopped after {v['whole_timed_out_after_s']:.0f} s (not finished)"
    return str(v.get("whole_skipped") or "-")


def latency_section(size: str, res: dict[str, Any]) -> list[str]:
    p = res.get("peers", {})
    present = [n for n in PEERS if n in p]
    ox_lat = p.get("oxigraph", {}).get("latency", {})
    names = list(p.get("ours", p.get("oxigraph", {})).get("latency", {}))
    head = (
        ["query"]
        + [f"{n} median / p95 ms" for n in present]
        + ["ours / oxigraph", "ours cached", "rows"]
    )
    rows = []
    for q in names:
        row = [q]
        for n in present:
            entry = p[n].get("latency", {}).get(q)
            if entry is None:
                row.append("-")
            elif entry.get("error") and not entry.get("n"):
                row.append("error" if "HTTP" in (entry["error"] or "") else "timeout")
            else:
                row.append(f"{ms(entry['median_ms'])} / {ms(entry['p95_ms'])}")
        ours = p.get("ours", {}).get("latency", {}).get(q, {})
        row.append(x(ratio(ours.get("median_ms"), ox_lat.get(q, {}).get("median_ms"))))
        cached = p.get("ours", {}).get("latency_repeated", {}).get(q, {})
        row.append(ms(cached.get("median_ms")))
        counts = {n: p[n].get("latency", {}).get(q, {}).get("results") for n in present}
        ref = counts.get("oxigraph")
        odd = [
            f"{n}: {c}" for n, c in counts.items() if c is not None and ref is not None and c != ref
        ]
        row.append(
            f"{ref}" + (f" (differs: {', '.join(odd)})" if odd else "") if ref is not None else "-"
        )
        rows.append(row)
    return [
        f"### Latency per query, {label(size)}",
        "",
        "Sequential requests, each made distinct (no cache can help) except the 'ours cached' "
        "column (the same request repeated: answered from the result cache).",
        "",
    ] + table(head, rows)


def throughput_section(results: dict[str, dict[str, Any]]) -> list[str]:
    rows = []
    for size, res in results.items():
        for name in PEERS:
            data = res.get("peers", {}).get(name)
            if not data:
                continue
            t = data.get("throughput", {})
            cells = [label(size), name, str(data.get("throughput_queries", "-"))]
            for mode in ("distinct", "repeated", "revalidate"):
                e = t.get(mode)
                base = tput(res, "oxigraph", "repeated" if mode == "revalidate" else mode)
                few = f", {e['completed']} done" if e and e["completed"] < 200 else ""
                cells.append(
                    f"{num(e['per_s'], 1)} ({x(ratio(e['per_s'], base))}{few})" if e else "-"
                )
            c = t.get("ceiling")
            base_c = tput(res, "oxigraph", "ceiling")
            cells.append(f"{num(c['per_s'], 0)} ({x(ratio(c['per_s'], base_c))})" if c else "-")
            d = t.get("distinct", {})
            cells += [
                ms(d.get("p50_ms")),
                ms(d.get("p99_ms")),
                str(sum(e.get("server_errors", 0) for e in t.values())),
                str(sum(e.get("dropped", 0) for e in t.values())),
            ]
            rows.append(cells)
    return [
        "## Throughput, 8 concurrent clients",
        "",
        "Requests per second over the query mix (each client cycles through it), and the "
        "ratio to oxigraph in the same mode. Each server's mix is the queries of the mix it "
        "answered in the latency run ('queries' column): a query that our endpoint stops at its "
        "10 s timeout, or that a peer fails, is left out of that server's mix, so where the "
        "counts differ the ratio compares different mixes and favours the shorter one. "
        "'revalidate' sends If-None-Match with the last ETag "
        "(answered 304 when unchanged); the peers send no ETag, so their figure is 'repeated'. "
        "'ASK {}': one trivial query repeated, the ceiling of each server's HTTP stack with this "
        "client on this machine. p50/p99 of the distinct run. Where fewer than 200 requests "
        "completed in the run, the count is given: such figures are coarse.",
        "",
    ] + table(
        [
            "size",
            "server",
            "queries",
            "distinct req/s",
            "repeated req/s",
            "revalidate req/s",
            "ASK {} req/s",
            "p50 ms",
            "p99 ms",
            "5xx",
            "dropped",
        ],
        rows,
    )


def pages_section(results: dict[str, dict[str, Any]]) -> list[str]:
    sizes = [s for s, r in results.items() if r.get("peers", {}).get("ours", {}).get("pages")]
    if not sizes:
        return []
    names = list(results[sizes[0]]["peers"]["ours"]["pages"])
    rows = []
    for q in names:
        row = [q]
        for s in sizes:
            e = results[s]["peers"]["ours"]["pages"].get(q, {})
            row.append(
                "error"
                if e.get("error") and not e.get("n")
                else f"{ms(e.get('median_ms'))} / {ms(e.get('p95_ms'))}"
            )
        rows.append(row)
    return [
        "## Pages and API calls of our endpoint, warm (issue 4: < 100 ms median at 100k)",
        "",
        "Median / p95 ms of the same request repeated after one warm-up.",
        "",
    ] + table(["page or call"] + [label(s) for s in sizes], rows)


def memory_section(results: dict[str, dict[str, Any]]) -> list[str]:
    rows = []
    for size, res in results.items():
        p = res.get("peers", {})
        base = p.get("oxigraph", {}).get("peak_rss_mb")
        for name in PEERS:
            if name in p:
                e = p[name]
                load = e.get("load_s") or (e.get("publish", {}) or {}).get("publish_s")
                rows.append(
                    [
                        label(size),
                        name,
                        num(e.get("peak_rss_mb")),
                        x(ratio(e.get("peak_rss_mb"), base)),
                        num(load),
                        num(e.get("ready_s")),
                    ]
                )
    return [
        "## Peak memory and start-up",
        "",
        "VmHWM of the server process(es) at the end of its measurements (ours-remote: our server "
        "plus its oxigraph backend). 'load s': `oxigraph load` for oxigraph, the remote publish for "
        "ours-remote; 'ready s': from launch (after load/publish) to the first answer, which for ours "
        "includes loading the on-disk store into memory and for rdflib-endpoint parsing the file.",
        "",
    ] + table(["size", "server", "peak MB", "/ oxigraph", "load s", "ready s"], rows)


def growth_section(results: dict[str, dict[str, Any]]) -> list[str]:
    sizes = [s for s in SIZES if s in results]
    pairs = list(zip(sizes, sizes[1:], strict=False))
    if not pairs:
        return []

    def common(a: dict[str, Any], b: dict[str, Any], name: str) -> set[str]:
        """Queries with a median at both sizes (a latency geomean must compare the same set)."""
        la = a.get("peers", {}).get(name, {}).get("latency", {})
        lb = b.get("peers", {}).get(name, {}).get("latency", {})
        return {q for q in la if la[q].get("median_ms") and lb.get(q, {}).get("median_ms")}

    def metrics(res: dict[str, Any], sets: dict[str, set[str]]) -> dict[str, float | None]:
        p = res.get("peers", {})
        out: dict[str, float | None] = {
            "triples": res.get("build", {}).get("triples"),
            "ours build s": res.get("build", {}).get("build_s"),
            "oxigraph load s": res.get("build", {}).get("oxigraph_load_s"),
            "validation s": res.get("validation", {}).get("validation_s"),
        }
        for name in ("ours", "oxigraph", "ours-remote", "rdflib-endpoint"):
            lat = p.get(name, {}).get("latency", {})
            out[f"{name} median latency (geomean of {len(sets[name])} queries)"] = geomean(
                [lat[q]["median_ms"] for q in sets[name]]
            )
            out[f"{name} peak MB"] = p.get(name, {}).get("peak_rss_mb")
            d = p.get(name, {}).get("throughput", {}).get("distinct", {})
            out[f"{name} 1/throughput (distinct)"] = 1 / d["per_s"] if d.get("per_s") else None
        for name in ("ours", "oxigraph"):
            lat = p.get(name, {}).get("latency", {})
            for q in sorted(sets[name]):
                if q.startswith("b:"):
                    out[f"{name} {q} median"] = lat[q]["median_ms"]
        net = res.get("networks", {})
        out["networks build+analyse s"] = net.get("all_networks_s")
        return out

    table_rows = []
    for a, b in pairs:
        sets = {
            n: common(results[a], results[b], n)
            for n in ("ours", "oxigraph", "ours-remote", "rdflib-endpoint")
        }
        ma, mb = metrics(results[a], sets), metrics(results[b], sets)
        tr = ratio(mb["triples"], ma["triples"])
        for key in ma:
            if key == "triples":
                continue
            r = ratio(mb.get(key), ma[key])
            if r is None or tr is None:
                continue
            exponent = math.log(r) / math.log(tr) if r > 0 and tr > 1 else None
            table_rows.append(
                [
                    f"{label(a)} -> {label(b)}",
                    key,
                    num(ma[key]),
                    num(mb[key]),
                    f"{r:.1f}",
                    f"{tr:.1f}",
                    "-" if exponent is None else f"{exponent:.2f}",
                ]
            )
    return [
        "## How costs grow with size",
        "",
        "Cost ratio between two sizes against the ratio of triples; the exponent is "
        "log(cost ratio) / log(triples ratio): 1 is linear, < 1 sublinear, > 1 superlinear. "
        "Latency includes fixed HTTP costs, so small-size figures understate the exponent.",
        "",
    ] + table(
        ["sizes", "cost", "smaller", "larger", "cost ratio", "triples ratio", "exponent"],
        table_rows,
    )


def network_section(results: dict[str, dict[str, Any]]) -> list[str]:
    rows, lrows, rrows = [], [], []
    for size, res in results.items():
        net = res.get("networks")
        if not net:
            continue
        if net.get("error"):
            rows.append([label(size), "all", net["error"], "", "", "", "", ""])
            continue
        for n in net.get("networks", []):
            rows.append(
                [
                    label(size),
                    n["kind"],
                    n.get("mode") or "",
                    num(n["nodes"]),
                    num(n["edges"]),
                    num(n["fetch_s"], 3),
                    num(n["build_s"], 3),
                    num(n["analyse_s"], 3),
                ]
            )
        rows.append(
            [
                label(size),
                "**all kinds + catalog**",
                "",
                "",
                "",
                "",
                "",
                f"**{num(net['all_networks_s'], 3)}**",
            ]
        )
        for name, layer in net.get("layers", {}).items():
            view_bytes = layer.get("viewport_bytes")
            lrows.append(
                [
                    label(size),
                    name,
                    num(layer["features"]),
                    num(layer["build_s"], 3),
                    num(layer["bytes"] / 1024, 0),
                    num(layer.get("index_s"), 3),
                    num(layer.get("viewport_s"), 4),
                    "-" if view_bytes is None else num(view_bytes / 1024, 0),
                ]
            )
        render = res.get("peers", {}).get("ours", {}).get("render", {})
        for path, visits in render.items():
            for v in visits:
                rrows.append(
                    [
                        label(size),
                        path,
                        v["visit"],
                        num(v.get("dom_s"), 2),
                        num(v.get("ready_s"), 2),
                        str(v.get("drawn_elements", "-")),
                        v.get("error", "") or "; ".join(v.get("page_errors", [])),
                    ]
                )
    out = [
        "## Networks and map (issue 5)",
        "",
        "Public functions of `endpoint.networks` on the built store (fetch = SPARQL, build = networkx "
        "graph, analyse = centralities, communities, suggestions), all editions, default mode.",
        "",
    ]
    out += table(
        ["size", "network", "mode", "nodes", "edges", "fetch s", "build s", "analyse s"], rows
    )
    out += [
        "Map layers (`endpoint.geojson`): the whole GeoJSON layer (build s, KB), then what the "
        "map's viewport requests use (`endpoint.views.map`): the index built once per layer "
        "(`build_index`, index s) and one viewport answer over the whole region at zoom 8 "
        "(`viewport`, with its clusters: viewport s, viewport KB). '-': not measured in that run.",
        "",
    ]
    out += table(
        [
            "size",
            "layer",
            "features",
            "build s",
            "KB",
            "index s",
            "viewport s",
            "viewport KB",
        ],
        lrows,
    )
    out += [
        "First render in headless Chromium: from navigation to the page's ready mark (graph laid out, "
        "markers placed); cold = first visit after start-up (server caches empty), warm = second visit.",
        "",
    ]
    return out + table(
        ["size", "page", "visit", "DOM s", "ready s", "markers/canvases", "problems"], rrows
    )


def load_section(results_dir: Path) -> list[str]:
    path = results_dir / "load.json"
    if not path.exists():
        return ["## Load run", "", "Not run yet: `python bench/run.py --load-only`.", ""]
    d = json.loads(path.read_text())
    return [
        "## Load run (issue 7)",
        "",
        f"{d['clients']} concurrent clients for {d['duration_s']:.0f} s against our endpoint "
        f"({label(d['size'])} data), cycling through {d['mix']} kinds of request: distinct SPARQL "
        f"queries, pages, API calls and {d['downloads']} downloads. Run {d['date']}.",
        "",
    ] + table(
        [
            "requests",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "5xx",
            "dropped",
            "statuses",
            "peak MB",
        ],
        [
            [
                num(d["completed"]),
                num(d["per_s"], 1),
                ms(d["p50_ms"]),
                ms(d["p95_ms"]),
                ms(d["p99_ms"]),
                ms(d["max_ms"]),
                str(d["server_errors"]),
                str(d["dropped"]),
                json.dumps(d["statuses"]),
                num(d.get("peak_rss_mb")),
            ]
        ],
    )


def machine_section(results: dict[str, dict[str, Any]]) -> list[str]:
    first = next(iter(results.values()))
    m = first.get("machine", {})
    libs = ", ".join(f"{k} {v}" for k, v in m.get("libraries", {}).items())
    out = [
        "## Machine and run",
        "",
        f"- CPU: {m.get('cpu')}, {m.get('cores')} cores; RAM {m.get('ram_gb')} GB; Linux {m.get('kernel')}",
        f"- Python {m.get('python')}; {libs}",
        f"- {m.get('oxigraph_cli')}; {m.get('chromium')}; Virtuoso: {m.get('virtuoso')}",
    ]
    for size, res in results.items():
        s = res.get("settings", {})
        la, lb = res.get("loadavg_start", [0])[0], res.get("loadavg_end", [0])[0]
        partial = " (INTERRUPTED: partial results)" if res.get("complete") is False else ""
        out.append(
            f"- {label(size)}{partial}: run {res.get('date')}, load average {la:.2f} at start, {lb:.2f} at end; "
            f"{s.get('reps')} repetitions or {s.get('budget')} s per query, {s.get('seconds')} s per "
            f"throughput run, {s.get('clients')} clients{' (--quick)' if s.get('quick') else ''}"
        )
        for run in res.get("runs", [])[1:]:  # --resume: peers measured in a later run
            out.append(
                f"  - resumed {run['date']} (load average {run['loadavg_start'][0]:.2f} at start, "
                f"{run.get('loadavg_end', [float('nan')])[0]:.2f} at end): measured "
                f"{', '.join(run['peers'])} again; the build, validation and other peers are "
                "from the first run"
            )
    skipped = [
        (size, n, why) for size, r in results.items() for n, why in r.get("skipped", {}).items()
    ]
    for size, name, why in skipped:
        out.append(f"- {label(size)}: {name} not measured: {why.splitlines()[0]}")
    return out + [""]


def write(results_dir: Path, target: Path) -> None:
    results = {}
    for size in SIZES:
        path = results_dir / f"{size}.json"
        if path.exists():
            results[size] = json.loads(path.read_text())
    analysis = "(no analysis yet)"
    if target.exists():
        found = re.search(
            re.escape(START) + r"\n(.*?)\n" + re.escape(END), target.read_text(), re.S
        )
        if found:
            analysis = found.group(1)
    lines = [
        "# Benchmark results",
        "",
        "Written by `python bench/run.py` (see bench/README.md); the analysis below is written by "
        "hand and kept across runs. Raw numbers: `bench/results/*.json`.",
        "",
        START,
        analysis,
        END,
        "",
    ]
    if results:
        lines += machine_section(results) + headline(results) + throughput_section(results)
        for size, res in results.items():
            lines += latency_section(size, res)
        lines += pages_section(results) + build_section(results) + memory_section(results)
        lines += growth_section(results) + network_section(results)
    lines += load_section(results_dir)
    target.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":  # python bench/report.py: rewrite RESULTS.md from bench/results/
    here = Path(__file__).resolve().parent
    write(here / "results", here / "RESULTS.md")
