"""The files of the download area, built once per dataset version.

Each file has a :class:`FileSpec` (name, media type, EU file type, titles) and its bytes; the
catalog describes the same bytes it serves (size and SHA-256), so a harvester can check them.

- the whole public graph (data and vocabularies, never the restricted graph) in Turtle,
  N-Triples, JSON-LD, RDF/XML and N-Quads (graph names kept), each also gzip-compressed;
- CSV tables with labels (:mod:`endpoint.opendata.tables`);
- the map layers as GeoJSON (:mod:`endpoint.geojson`) and the networks as GEXF
  (:mod:`endpoint.networks`), when those modules are installed.

>>> files = build_files(store)                     # doctest: +SKIP
>>> files["rallynov.ttl.gz"].spec.compressed       # doctest: +SKIP
True
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from endpoint.opendata.tables import TABLES, table_csv
from endpoint.opendata.terms import Labels
from endpoint.store.base import Store

DUMP_STEM = "rallynov"
GZIP_TYPE = "application/gzip"


@dataclass(frozen=True)
class FileSpec:
    """What a download is: its name, media type (IANA), EU file type and titles (fr, en)."""

    name: str
    media_type: str
    file_type: str
    titles: Labels
    descriptions: Labels
    group: str  # "rdf", "csv", "geojson" or "gexf"
    compressed: bool = False
    w3c_format: str = ""  # http://www.w3.org/ns/formats/... name, for VoID

    @property
    def served_type(self) -> str:
        """The Content-Type header of the file itself."""
        if self.compressed:
            return GZIP_TYPE
        if self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


@dataclass(frozen=True)
class DownloadFile:
    spec: FileSpec
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


RDF_DUMPS = (
    ("ttl", "text/turtle", "RDF_TURTLE", "Turtle", ox.RdfFormat.TURTLE, "Turtle"),
    (
        "nt",
        "application/n-triples",
        "RDF_N_TRIPLES",
        "N-Triples",
        ox.RdfFormat.N_TRIPLES,
        "N-Triples",
    ),
    ("jsonld", "application/ld+json", "JSON_LD", "JSON-LD", ox.RdfFormat.JSON_LD, "JSON-LD"),
    ("rdf", "application/rdf+xml", "RDF_XML", "RDF/XML", ox.RdfFormat.RDF_XML, "RDF_XML"),
    ("nq", "application/n-quads", "RDF_N_QUADS", "N-Quads", ox.RdfFormat.N_QUADS, "N-Quads"),
)
RDF_FORMATS = {ext: fmt for ext, _, _, _, fmt, _ in RDF_DUMPS}
TABLE_TEXT: dict[str, Labels] = {
    "innovations": ("Innovations sociales", "Social innovations"),
    "organisations": ("Organisations", "Organisations"),
    "events": ("Étapes et événements", "Stages and events"),
    "awards": ("Prix", "Awards"),
}


def _rdf_specs() -> list[FileSpec]:
    specs = []
    for ext, media, file_type, name, _, w3c in RDF_DUMPS:
        graphs = (
            " (graphes nommés conservés)" if ext == "nq" else "",
            " (named graphs kept)" if ext == "nq" else "",
        )
        base = FileSpec(
            f"{DUMP_STEM}.{ext}",
            media,
            file_type,
            (f"Graphe public complet en {name}", f"Whole public graph as {name}"),
            (
                "Toutes les données publiques et les vocabulaires (ontologie, schémas de concepts)"
                f" en {name}{graphs[0]}.",
                f"All the public data and vocabularies (ontology, concept schemes) as {name}"
                f"{graphs[1]}.",
            ),
            "rdf",
            w3c_format=w3c,
        )
        specs.append(base)
        specs.append(
            FileSpec(
                base.name + ".gz",
                media,
                file_type,
                (base.titles[0] + " (gzip)", base.titles[1] + " (gzip)"),
                (
                    base.descriptions[0] + " Compressé avec gzip.",
                    base.descriptions[1] + " Gzip-compressed.",
                ),
                "rdf",
                compressed=True,
                w3c_format=w3c,
            )
        )
    return specs


def _table_specs() -> list[FileSpec]:
    return [
        FileSpec(
            f"{name}.csv",
            "text/csv",
            "CSV",
            (f"{fr} (CSV)", f"{en} (CSV)"),
            (
                f"{fr} : un enregistrement par ligne, avec des libellés (français et anglais) plutôt "
                "que des URI ; plusieurs valeurs séparées par « ; ».",
                f"{en}: one record per row, with labels (French and English) rather than URIs; "
                "several values separated by '; '.",
            ),
            "csv",
        )
        for name, (fr, en) in TABLE_TEXT.items()
    ]


def _map_specs() -> list[FileSpec]:
    return [
        FileSpec(
            f"map-{layer}.geojson",
            "application/geo+json",
            "GEOJSON",
            (f"Carte : {fr} (GeoJSON)", f"Map: {en} (GeoJSON)"),
            (
                f"La couche « {fr.lower()} » de la carte, en GeoJSON (RFC 7946, WGS84), libellés en "
                "français.",
                f"The map's '{en.lower()}' layer as GeoJSON (RFC 7946, WGS84), French labels.",
            ),
            "geojson",
        )
        for layer, (fr, en) in (
            ("innovations", ("Innovations", "Innovations")),
            ("stages", ("Étapes", "Stages")),
        )
    ]


def _network_specs(kinds: tuple[str, ...]) -> list[FileSpec]:
    return [
        FileSpec(
            f"network-{kind}.gexf",
            "application/xml",
            "XML",
            (f"Réseau « {kind} » (GEXF)", f"Network '{kind}' (GEXF)"),
            (
                f"Le réseau de collaboration « {kind} », toutes éditions, au format GEXF 1.2 (XML) "
                "pour Gephi, avec les mesures de centralité et les communautés.",
                f"The '{kind}' collaboration network, all editions, as GEXF 1.2 (XML) for Gephi, "
                "with centrality metrics and communities.",
            ),
            "gexf",
        )
        for kind in kinds
    ]


def _dump(store: Store, fmt: ox.RdfFormat) -> bytes:
    buffer = io.BytesIO()
    store.dump(buffer, fmt)
    return buffer.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no name and no time stamp, so the same content gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def _producers(store: Store) -> list[tuple[FileSpec, Callable[[], bytes]]]:
    producers: list[tuple[FileSpec, Callable[[], bytes]]] = []
    dumps: dict[str, bytes] = {}

    def dump(ext: str) -> bytes:
        if ext not in dumps:
            dumps[ext] = _dump(store, RDF_FORMATS[ext])
        return dumps[ext]

    for spec in _rdf_specs():
        ext = spec.name.removeprefix(DUMP_STEM + ".").removesuffix(".gz")
        if spec.compressed:
            producers.append((spec, lambda ext=ext: gzip_bytes(dump(ext))))  # type: ignore[misc]
        else:
            producers.append((spec, lambda ext=ext: dump(ext)))  # type: ignore[misc]
    for spec, name in zip(_table_specs(), TABLE_TEXT, strict=True):
        producers.append((spec, lambda name=name: table_csv(store, TABLES[name])))  # type: ignore[misc]
    try:
        from endpoint.geojson import innovations_layer, stages_layer
    except ImportError:  # the map is an optional part of the application
        pass
    else:
        layers = {"innovations": innovations_layer, "stages": stages_layer}
        for spec in _map_specs():
            layer = layers[spec.name.removeprefix("map-").removesuffix(".geojson")]
            producers.append(
                (spec, lambda layer=layer: _json(layer(store, "fr")))  # type: ignore[misc]
            )
    try:
        from endpoint import networks
        from endpoint.networks.export import to_gexf
    except ImportError:  # so are the networks
        pass
    else:
        for spec in _network_specs(tuple(networks.KINDS)):
            kind = spec.name.removeprefix("network-").removesuffix(".gexf")
            producers.append(
                (spec, lambda kind=kind: to_gexf(networks.get_analysis(store, kind)))  # type: ignore[misc]
            )
    return producers


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


def build_files(store: Store) -> dict[str, DownloadFile]:
    """Every download of the current dataset version, by file name (in display order)."""
    return {spec.name: DownloadFile(spec, produce()) for spec, produce in _producers(store)}


def sha256sums(files: dict[str, bytes]) -> bytes:
    """A ``SHA256SUMS`` file (``sha256sum -c`` reads it): ``<hex>  <path>`` per line."""
    lines = [
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ]
    return "".join(lines).encode("utf-8")
