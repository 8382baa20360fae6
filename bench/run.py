"""The benchmark, in one command: our endpoint (embedded and on a remote store) against
`oxigraph serve`, rdflib-endpoint (and Virtuoso when installed) on the same data, same run.

    python bench/run.py                                  # bundled, 10k and 100k innovations
    python bench/run.py --sizes bundled,10000 --quick    # a few minutes
    python bench/run.py --sizes bundled --load           # plus 32 clients for 60 s on our endpoint

Per size: build (ours vs `oxigraph load`), SHACL validation, then for each peer in turn (one at a
time, so they never share the CPU): start it on 127.0.0.1, per-query latency, throughput with 8
clients in three modes (see bench/measure.py), peak memory (VmHWM), stop it. For our endpoint
also the pages and the API, and the first render of /network and /map in headless Chromium;
networks and map layers are timed on the built store. Each size writes
``bench/results/SIZE.json``; ``bench/RESULTS.md`` is then rewritten from every results file
(bench/report.py), keeping its hand-written analysis section.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import build_speed
import frontend
import measure
import peers
import report
from measure import Item

from endpoint.settings import load_settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = Path(os.environ.get("RALLYNOV_BENCH_RESULTS", HERE / "results"))
RALLY = "https://w3id.org/rallynov/def#"


def named_items() -> list[Item]:
    """Every named query of queries/*.rq with its defaults bound, as any SPARQL server runs it."""
    from endpoint.named_queries import load_named_queries

    return [
        measure.sparql_item(f"q:{name}", query.bound(header=False))
        for name, query in sorted(load_named_queries().items())
    ]


def bench_items(innovation: str) -> list[Item]:
    return [
        measure.sparql_item(
            f"b:{path.stem}",
            path.read_text(encoding="utf-8").replace("__INNOVATION__", f"<{innovation}>"),
        )
        for path in sorted((HERE / "queries").glob("*.rq"))
    ]


def page_items(innovation: str) -> list[Item]:
    """Our pages and API calls (warm medians are issue 4's < 100 ms target at 100k); an
    innovation's page validates only that innovation's neighbourhood (its grid column)."""
    from endpoint.named_queries import load_named_queries

    slug = innovation.rsplit("/", 1)[-1]
    html, js, geo = "text/html", "application/json", "application/geo+json"
    items = [
        Item("p:/", path="/", accept=html),
        Item("p:/catalog", path="/catalog", accept=html),
        Item("p:/sparql (editor)", path="/sparql", accept=html),
        Item("p:/queries", path="/queries", accept=html),
        Item("p:/network", path="/network", accept=html),
        Item("p:/network/co-organisation.json", path="/network/co-organisation.json", accept=js),
        Item("p:/map", path="/map", accept=html),
        Item("p:/map/innovations.geojson", path="/map/innovations.geojson", accept=geo),
        Item(  # what /map asks for first on a large dataset: the server's clusters
            "p:/map/innovations.geojson (viewport)",
            path="/map/innovations.geojson?zoom=8&bbox=4.5,45.5,8,48.5",
            accept=geo,
        ),
        Item("p:/map/stages.geojson", path="/map/stages.geojson", accept=geo),
        Item(
            "p:/network/partner-innovation.json",
            path="/network/partner-innovation.json?top=150",
            accept=js,
        ),
    ]
    items += [
        Item(f"api:{name}", path=f"/api/queries/{name}", accept=js)
        for name in sorted(load_named_queries())
    ]
    items.append(Item("p:/doc/innovation", path=f"/doc/innovation/{slug}", accept=html))
    return items


def download_items(site: str, timeout: float) -> list[Item]:
    """The download files named by /download/SHA256SUMS (the archive of the whole graph too)."""
    conn = measure.Connection(site, timeout)
    try:
        status, body, _ = conn.get("/download/SHA256SUMS", {"Accept": "text/plain"})
    except Exception:
        return []
    finally:
        conn.close()
    if status != 200:
        return []
    names = [line.split()[-1] for line in body.decode().splitlines() if line.strip()]
    return [Item(f"d:{name}", path=f"/download/{name}", accept="*/*") for name in names]


def first_innovation(server: peers.Server, timeout: float) -> str:
    query = f"SELECT ?i WHERE {{ ?i a <{RALLY}SocialInnovation> }} ORDER BY ?i LIMIT 1"
    conn = measure.Connection(server.query_url, timeout)
    try:
        status, body, _ = conn.get(
            measure.target(server.query_url, measure.sparql_item("x", query), None),
            {"Accept": measure.SELECT_ACCEPT},
        )
    finally:
        conn.close()
    if status != 200:
        raise peers.PeerError(f"cannot list innovations on {server.name}: HTTP {status}")
    return str(json.loads(body)["results"]["bindings"][0]["i"]["value"])


def latencies(
    server: peers.Server, items: list[Item], mode: str, cfg: argparse.Namespace, site: bool = False
) -> dict[str, dict[str, Any]]:
    """Latency of each item on the server's SPARQL endpoint (or its site). A server that keeps
    evaluating a query its client gave up (rdflib-endpoint) is restarted after a timeout, so that
    the next query is not measured behind it."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        url = (server.site_url or "") if site else server.query_url
        result = measure.latency(
            url, item, mode=mode, repetitions=cfg.reps, budget_s=cfg.budget, timeout=cfg.timeout
        ).summary()
        out[item.name] = result
        timed_out = result["error"] and "timeout" in str(result["error"]).lower()
        if timed_out and server.restarter is not None:
            log(f"  {server.name}: {item.name} timed out; restarting the server")
            server.restart()
    return out


def measure_peer(
    server: peers.Server,
    items: list[Item],
    cfg: argparse.Namespace,
    ours: bool,
    pages: list[Item],
    render: bool = False,
) -> dict[str, Any]:
    """Latency of each item, throughput in each mode, first render and pages (ours), memory."""
    out: dict[str, Any] = {"name": server.name, "startup_s": server.startup_s}
    if server.warmup_s is not None:
        out["warmup_s"] = server.warmup_s
    log(f"  {server.name}: latency of {len(items)} queries")
    out["latency"] = latencies(server, items, "distinct", cfg)
    if ours:
        out["latency_repeated"] = latencies(server, items, "repeated", cfg)
    out["throughput"], out["restarts"] = {}, server.restarts
    if cfg.throughput:
        throughputs(server, items, out, cfg, ours)
    if render:  # before the pages: the first visit finds the server's caches cold
        log(f"  {server.name}: first render of /network and /map in Chromium")
        out["render"] = frontend.first_render(server.site_url or "", cfg.render_timeout)
    if pages:  # last: a page that times out leaves its computation running in the server
        log(f"  {server.name}: {len(pages)} pages and API calls")
        out["pages"] = latencies(server, pages, "repeated", cfg, site=True)
    out["restarts"] = server.restarts
    out["peak_rss_mb"] = server.peak_rss_mb()
    return out


def throughputs(
    server: peers.Server,
    items: list[Item],
    out: dict[str, Any],
    cfg: argparse.Namespace,
    ours: bool,
) -> None:
    """Throughput of the mix in each mode, and of ``ASK {}`` (the HTTP stack's ceiling)."""
    runnable = [it for it in items if out["latency"][it.name]["error"] is None]
    out["throughput"] = {}
    for mode in measure.MODES:
        if mode == "revalidate" and not ours:
            continue  # the peers send no ETag: revalidating clients get what "repeated" got
        log(f"  {server.name}: throughput, {mode}, {cfg.clients} clients, {cfg.seconds:.0f} s")
        out["throughput"][mode] = measure.throughput(
            {"sparql": server.query_url},
            runnable,
            mode=mode,
            clients=cfg.clients,
            seconds=cfg.seconds,
            timeout=cfg.timeout,
        ).summary()
    ask = measure.sparql_item("ASK {}", "ASK {}")
    log(f"  {server.name}: ceiling, ASK {{}} repeated, {cfg.clients} clients")
    out["throughput"]["ceiling"] = measure.throughput(
        {"sparql": server.query_url},
        [ask],
        mode="repeated",
        clients=cfg.clients,
        seconds=min(cfg.seconds, 5.0),
        timeout=cfg.timeout,
    ).summary()
    out["throughput_queries"] = len(runnable)


def log(text: str) -> None:
    print(time.strftime("%H:%M:%S"), text, flush=True)


def shortened(message: str, most: int = 600) -> str:
    """A long error as its first line and its end (where a traceback says what went wrong)."""
    if len(message) <= most:
        return message
    first = message.splitlines()[0][: most // 3]
    return f"{first} [...] {message[-(most - len(first) - 7) :]}"


def save_partial(result: dict[str, Any]) -> None:
    """Write what is measured so far (``complete`` false), so an interrupted size is not lost."""
    (RESULTS / f"{result['size']}.json").write_text(
        json.dumps({**result, "complete": False}, indent=1), encoding="utf-8"
    )


def resumed(size: str, cfg: argparse.Namespace, work: Path) -> dict[str, Any] | None:
    """With ``--resume``: the size's earlier results, to which this run adds the peers it names
    (their earlier figures are replaced). The build, validation, networks and other peers are
    kept, so ``--work`` must be the earlier run's folder, which still holds the built store."""
    path = RESULTS / f"{size}.json"
    if not cfg.resume or not path.exists():
        return None
    earlier: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    needed = [work / f"store-{size}", work / f"{size}-public.nt"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        raise SystemExit(f"--resume {size}: the earlier run's files are not in --work: {missing}")
    for name in cfg.peers:
        earlier["peers"].pop(name, None)
        earlier.get("skipped", {}).pop(name, None)
    earlier.setdefault(
        "runs", [{"date": earlier["date"], "loadavg_start": earlier["loadavg_start"]}]
    )
    earlier["runs"].append(
        {
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "loadavg_start": os.getloadavg(),
            "peers": list(cfg.peers),
        }
    )
    return earlier


def run_size(size: str, cfg: argparse.Namespace, work: Path) -> dict[str, Any]:
    store_dir, public_nt = work / f"store-{size}", work / f"{size}-public.nt"
    earlier = resumed(size, cfg, work)
    if earlier is not None:
        log(f"[{size}] resumed: build, validation and {sorted(earlier['peers'])} kept")
        result, build = earlier, earlier["build"]
    else:
        result = {
            "size": size,
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "loadavg_start": os.getloadavg(),
            "settings": settings_of(cfg),
            "machine": cfg.machine,
            "peers": {},
            "skipped": {},
        }
        log(f"[{size}] build (ours vs oxigraph load)")
        build = result["build"] = build_speed.build_size(size, work)
        whole = size == "bundled" or int(size) <= cfg.validate_max
        log(
            f"[{size}] validation (record by record{', and over the whole graph' if whole else ''})"
        )
        result["validation"] = build_speed.validate_size(
            size, work, cfg.validate_timeout, whole=whole, records_timeout=cfg.records_timeout
        )

    innovation: str | None = result.get("innovation")
    items: list[Item] = named_items() + bench_items(innovation) if innovation else []
    order = [
        p
        for p in ("oxigraph", "ours", "ours-remote", "rdflib-endpoint", "virtuoso")
        if p in cfg.peers
    ]
    for name in order:
        if name == "rdflib-endpoint" and size != "bundled" and int(size) > cfg.rdflib_max:
            result["skipped"][name] = (
                f"not run above {cfg.rdflib_max} innovations (--rdflib-max): "
                "rdflib holds every triple as Python objects"
            )
            continue
        if name == "ours-remote" and size != "bundled" and int(size) > cfg.remote_max:
            result["skipped"][name] = (
                f"not run above {cfg.remote_max} innovations (--remote-max), to keep the run short"
            )
            continue
        if name == "virtuoso" and not peers.virtuoso_available():
            result["skipped"][name] = (
                "virtuoso-t is not installed (Debian package virtuoso-opensource)"
            )
            continue
        log(f"[{size}] start {name}")
        started = time.perf_counter()
        extra: dict[str, Any] = {}
        backing: peers.Server | None = None
        try:
            if name == "oxigraph":
                location = work / f"oxigraph-{size}"
                shutil.rmtree(location, ignore_errors=True)
                extra["load_s"] = peers.oxigraph_load(location, public_nt)[0]
                server = peers.start_oxigraph(name, location, work)
            elif name == "ours":
                server = peers.start_ours(name, str(store_dir), work, max_rows=cfg.max_rows)
            elif name == "ours-remote":
                location = work / f"remote-{size}"
                shutil.rmtree(location, ignore_errors=True)
                # the server stops a query a little after ours gives up on it, as the README
                # advises: without that, every query we stop keeps running on the server
                server_timeout = math.ceil(load_settings()["QUERY_TIMEOUT"]) + 2
                backing = peers.start_oxigraph(
                    "ours-remote-backing", location, work, query_timeout_s=server_timeout
                )
                extra["backing"] = f"oxigraph serve --timeout-s {server_timeout}"
                extra["publish"] = peers.publish_remote(backing.query_url, build["source"])
                # no warm-up: the query mix never uses what it precomputes (networks, map layers,
                # downloads), and pages are measured on the embedded store only
                server = peers.start_ours(
                    name,
                    backing.query_url,
                    work,
                    max_rows=cfg.max_rows,
                    extra=[backing],
                    warmup=False,
                )
                extra["warmup"] = "off (--no-warmup)"
            elif name == "rdflib-endpoint":
                server = peers.start_rdflib_endpoint(
                    name, public_nt, work, timeout=cfg.load_timeout
                )
            else:
                server = peers.start_virtuoso(name, public_nt, work)
        except (peers.PeerError, OSError) as exc:
            if backing is not None:
                backing.stop()
            result["skipped"][name] = f"could not start: {shortened(str(exc))}"
            log(f"  {name} skipped: {exc}")
            continue
        extra["ready_s"] = time.perf_counter() - started
        try:
            if innovation is None:
                innovation = first_innovation(server, cfg.timeout)
                items = named_items() + bench_items(innovation)
                result["innovation"] = innovation
            is_ours = name.startswith("ours")
            # pages on the embedded store only: on the remote one they cost the same SPARQL again
            # pages on the embedded store only: on the remote one they cost the same SPARQL again
            pages = page_items(innovation) if name == "ours" else []
            peer_items, peer_cfg = items, cfg
            if name == "rdflib-endpoint" and size != "bundled":  # light: one query at a time
                peer_items = [it for it in items if it.name.startswith("b:")]
                peer_cfg = argparse.Namespace(**{**vars(cfg), "throughput": False})
                extra["light"] = "benchmark queries only, no throughput run"
            render = name == "ours" and size in cfg.render_sizes
            data = measure_peer(server, peer_items, peer_cfg, is_ours, pages, render)
            data.update(extra)
            data["peak_rss_mb"] = server.peak_rss_mb()
            data["measured"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
            data["loadavg"] = os.getloadavg()
            result["peers"][name] = data
            save_partial(result)
        finally:
            server.stop()
    if size in cfg.network_sizes and "networks" not in result:
        log(f"[{size}] networks and map layers")
        result["networks"] = frontend.network_costs(store_dir, cfg.network_timeout)
    result["loadavg_end"] = os.getloadavg()
    if "runs" in result:
        result["runs"][-1]["loadavg_end"] = result["loadavg_end"]
    result.pop("complete", None)
    return result


def run_load(cfg: argparse.Namespace, work: Path) -> dict[str, Any]:
    """32 clients (``--load-clients``) on a mixed workload against our endpoint."""
    size = cfg.load_size
    if not (work / f"store-{size}").exists():
        build_speed.build_size(size, work)
    server = peers.start_ours("ours-load", str(work / f"store-{size}"), work, max_rows=cfg.max_rows)
    try:
        innovation = first_innovation(server, cfg.timeout)
        queries = named_items() + bench_items(innovation)
        pages = page_items(innovation)
        downloads = download_items(server.site_url or "", cfg.timeout)
        mix = [it for pair in zip(queries, pages + pages, strict=False) for it in pair] + downloads
        warm = measure.Connection(server.site_url or "", cfg.timeout)
        for item in mix:  # what is built once per dataset version is built before the clock
            if item.path is not None:
                warm.get(item.path, {"Accept": item.accept})
        warm.close()
        log(
            f"load: {cfg.load_clients} clients, {cfg.load_seconds:.0f} s, {len(mix)} kinds of request"
        )
        summary = measure.throughput(
            {"sparql": server.query_url, "site": server.site_url or ""},
            mix,
            mode="distinct",
            clients=cfg.load_clients,
            seconds=cfg.load_seconds,
            timeout=cfg.timeout,
        ).summary()
        return {
            "size": size,
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "mix": len(mix),
            "downloads": len(downloads),
            "peak_rss_mb": server.peak_rss_mb(),
            **summary,
        }
    finally:
        server.stop()


def settings_of(cfg: argparse.Namespace) -> dict[str, Any]:
    keys = ("quick", "reps", "budget", "seconds", "clients", "timeout", "max_rows")
    return {k: getattr(cfg, k) for k in keys}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="bundled,10000,100000", help="comma-separated sizes")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, shorter runs")
    parser.add_argument("--load", action="store_true", help="also the long load run (32 clients)")
    parser.add_argument("--load-only", action="store_true", help="only the load run")
    parser.add_argument("--peers", default="oxigraph,ours,ours-remote,rdflib-endpoint,virtuoso")
    parser.add_argument("--rdflib-max", type=int, default=10000)
    parser.add_argument(
        "--validate-max",
        type=int,
        default=10000,
        help="largest size also validated over the whole graph (record by record: every size)",
    )
    parser.add_argument("--remote-max", type=int, default=100000)
    parser.add_argument(
        "--work", type=Path, default=None, help="scratch folder (default: a temp one)"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="add the --peers to a size's earlier results (same --work folder) instead of "
        "starting again",
    )
    cfg = parser.parse_args()
    cfg.reps, cfg.budget, cfg.seconds = (5, 1.0, 3.0) if cfg.quick else (20, 3.0, 10.0)
    cfg.clients, cfg.timeout, cfg.max_rows, cfg.throughput = 8, 60.0, 10_000_000, True
    cfg.validate_timeout = 120.0 if cfg.quick else 420.0
    cfg.records_timeout = 1800.0 if cfg.quick else 3600.0
    cfg.load_timeout, cfg.network_timeout, cfg.render_timeout = 900.0, 600.0, 180.0
    cfg.render_sizes = {"bundled", "100000"} if not cfg.quick else {"bundled"}
    cfg.network_sizes = {"bundled", "10000", "100000"}
    cfg.load_size, cfg.load_clients = "bundled", 32
    cfg.load_seconds = 15.0 if cfg.quick else 60.0
    cfg.peers = cfg.peers.split(",")
    return cfg


def main() -> None:
    cfg = parse_args()
    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    work = cfg.work or Path(tempfile.mkdtemp(prefix="rallynov-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    machine = cfg.machine = report.machine()
    try:
        if not cfg.load_only:
            for size in cfg.sizes.split(","):
                result = run_size(size, cfg, work)
                result["machine"] = machine
                (RESULTS / f"{size}.json").write_text(
                    json.dumps(result, indent=1), encoding="utf-8"
                )
                report.write(RESULTS, RESULTS.parent / "RESULTS.md")
                log(f"[{size}] done: bench/results/{size}.json")
        if cfg.load or cfg.load_only:
            load = run_load(cfg, work)
            load["machine"] = machine
            (RESULTS / "load.json").write_text(json.dumps(load, indent=1), encoding="utf-8")
    finally:
        if cfg.work is None:
            shutil.rmtree(work, ignore_errors=True)
    report.write(RESULTS, RESULTS.parent / "RESULTS.md")
    log(f"bench/RESULTS.md written ({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
