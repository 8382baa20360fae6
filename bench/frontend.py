"""Networks, map and pages: the costs that are not SPARQL queries.

- :func:`network_costs`: in a fresh child process on a built store, the time to fetch (SPARQL),
  build (networkx) and analyse (metrics, communities, suggestions) each network kind over all
  editions (the public functions of :mod:`endpoint.networks`), and to build the two GeoJSON
  layers of the map (:mod:`endpoint.geojson`), their viewport index and one viewport (what
  ``/map`` asks for first on a large dataset: clusters of the whole region at zoom 8);
- :func:`first_render`: time from navigation to the page's own "ready" mark in headless
  Chromium (``body[data-network-ready]`` once Cytoscape laid the graph out,
  ``body[data-map-ready]`` once Leaflet placed every marker), first visit (server caches cold)
  and second visit (warm), against a running server.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
READY = {"/network": "document.body.dataset.networkReady", "/map": "document.body.dataset.mapReady"}

NETWORK_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from endpoint.store import OnDiskStore
from endpoint import networks
from endpoint.networks import build_network, analyse, fetch_catalog, fetch_incidences
from endpoint.geojson import innovations_layer, stages_layer
store = OnDiskStore(Path(sys.argv[1]))
t = time.perf_counter(); store.memory(); load_s = time.perf_counter() - t
t = time.perf_counter(); catalog = fetch_catalog(store); catalog_s = time.perf_counter() - t
rows = []
for kind in networks.KINDS:
    t0 = time.perf_counter(); incidences = fetch_incidences(store, kind)
    t1 = time.perf_counter(); graph = build_network(kind, incidences, catalog)
    t2 = time.perf_counter(); analysis = analyse(graph)
    t3 = time.perf_counter()
    rows.append({"kind": kind, "mode": graph.graph.get("mode"), "nodes": graph.number_of_nodes(),
                 "edges": graph.number_of_edges(), "fetch_s": t1 - t0, "build_s": t2 - t1,
                 "analyse_s": t3 - t2, "total_s": t3 - t0})
from endpoint.views.map import build_index, viewport
layers = {}
for name, make in (("innovations", innovations_layer), ("stages", stages_layer)):
    t = time.perf_counter(); layer = make(store, "fr")
    layers[name] = {"features": len(layer["features"]), "build_s": time.perf_counter() - t,
                    "bytes": len(json.dumps(layer, ensure_ascii=False).encode())}
    t = time.perf_counter(); index = build_index(layer)
    layers[name]["index_s"] = time.perf_counter() - t
    t = time.perf_counter(); view = viewport(index, {}, (4.5, 45.5, 8.0, 48.5), 8)
    layers[name].update(viewport_s=time.perf_counter() - t, viewport_bytes=len(view))
print(json.dumps({"store_load_s": load_s, "catalog_s": catalog_s, "networks": rows,
                  "all_networks_s": catalog_s + sum(r["total_s"] for r in rows), "layers": layers,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def network_costs(store_dir: Path, timeout: float) -> dict[str, object]:
    """Networks and map layers built from the store at ``store_dir``, in a fresh process."""
    try:
        out = subprocess.run(
            [sys.executable, "-c", NETWORK_CHILD, str(store_dir)],  # noqa: S603
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:.0f} s"}
    if out.returncode:
        return {
            "error": out.stderr.strip().splitlines()[-1][:300] if out.stderr.strip() else "failed"
        }
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def first_render(site_url: str, timeout_s: float = 120) -> dict[str, object]:
    """Time to the ready mark of /network and /map: a first (cold) and a second (warm) visit."""
    from playwright.sync_api import sync_playwright

    results: dict[str, object] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path, mark in READY.items():
                visits = []
                for visit in ("cold", "warm"):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    problems: list[str] = []
                    page.on("pageerror", lambda e, p=problems: p.append(str(e)))
                    started = time.perf_counter()
                    try:
                        page.goto(
                            site_url + path, wait_until="domcontentloaded", timeout=timeout_s * 1000
                        )
                        dom = time.perf_counter() - started
                        page.wait_for_function(f"() => !!{mark}", timeout=timeout_s * 1000)
                        ready = time.perf_counter() - started
                        count = page.evaluate(
                            "() => document.querySelectorAll('.leaflet-marker-icon, canvas').length"
                        )
                        visits.append(
                            {
                                "visit": visit,
                                "dom_s": dom,
                                "ready_s": ready,
                                "drawn_elements": count,
                                "page_errors": problems[:3],
                            }
                        )
                    except Exception as exc:  # a timeout is a result, not a crash of the run
                        visits.append(
                            {
                                "visit": visit,
                                "error": f"{type(exc).__name__}: {exc}"[:300],
                                "page_errors": problems[:3],
                            }
                        )
                    finally:
                        context.close()
                results[path] = visits
        finally:
            browser.close()
    return results
