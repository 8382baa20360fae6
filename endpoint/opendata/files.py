"""The files of the download area: what each one is, and how to write it.

Each file has a :class:`FileSpec` (name, media type, EU file type, titles) and a producer that
writes its bytes to a path; :mod:`endpoint.opendata.downloads` runs the producers once per
dataset version, in the background, and keeps the files on disk. The catalog describes the
same bytes it serves (size and SHA-256), so a harvester can check them.

- the whole public graph (data and vocabularies, never the restricted graph) in Turtle,
  N-Triples, JSON-LD, RDF/XML and N-Quads (graph names kept), each also gzip-compressed;
- CSV tables with labels (:mod:`endpoint.opendata.tables`);
- the map layers as GeoJSON (:mod:`endpoint.geojson`) and the networks as GEXF
  (:mod:`endpoint.networks`), when those modules are installed.

>>> producers = {p.spec.name: p for p in file_producers(store)}   # doctest: +SKIP
>>> producers["rallynov.ttl.gz"].needs                           # doctest: +SKIP
'rallynov.ttl'
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

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
    """A download as known now: its spec always; its size, SHA-256 and path once it is built."""

    spec: FileSpec
    size: int | None = None
    sha256: str | None = None
    path: Path | None = None

    @property
    def ready(self) -> bool:
        return self.path is not None

    @property
    def data(self) -> bytes:
        """The file's bytes (read from disk: for small files and tests)."""
        if self.path is None:
            raise FileNotFoundError(f"{self.spec.name} is not built yet")
        return self.path.read_bytes()


@dataclass(frozen=True)
class Producer:
    """How to write one file: ``write(path, source)``; ``source`` is the path of the file it
    ``needs`` (built first), or None."""

    spec: FileSpec
    write: Callable[[Path, Path | None], None]
    needs: str | None = None


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


# Every triple of the public graphs once (their union: a triple in two graphs is one triple).
ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def write_dump(store: Store, fmt: ox.RdfFormat, path: Path) -> None:
    """The public graphs in ``fmt`` to ``path``, streamed.

    An embedded store is read with SPARQL (the public graphs are its default and named graphs),
    which streams from the store's indexes without sorting millions of triples in Python first
    (``Store.dump`` does, so that its output is sorted): 10 s instead of 23 s for N-Triples at
    10k innovations. A remote store's graph names are versioned: its ``dump`` renames them.
    """
    from endpoint.store import EmbeddedStore, OnDiskStore

    with path.open("wb") as output:
        if not isinstance(store, EmbeddedStore | OnDiskStore):
            store.dump(output, fmt)
        elif fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            rows = store.query(ALL_QUADS)
            assert isinstance(rows, ox.QuerySolutions)
            quads = (ox.Quad(row[0], row[1], row[2], row[3]) for row in rows)
            ox.serialize(quads, output, fmt)
        else:
            triples = store.query(ALL_TRIPLES)
            assert isinstance(triples, ox.QueryTriples)
            triples.serialize(output, fmt)


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no name and no time stamp, so the same content gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def gzip_file(source: Path, target: Path) -> None:
    """``source`` gzip-compressed to ``target`` (no name, no time stamp: same input, same bytes)."""
    with source.open("rb") as raw, target.open("wb") as out:
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=6, mtime=0) as gz:
            shutil.copyfileobj(raw, gz, 1 << 20)


def _gzip_from(path: Path, source: Path | None) -> None:
    assert source is not None
    gzip_file(source, path)


def _dump_to(store: Store, fmt: ox.RdfFormat, path: Path, _: Path | None) -> None:
    write_dump(store, fmt, path)


def _table_to(store: Store, name: str, path: Path, _: Path | None) -> None:
    path.write_bytes(table_csv(store, TABLES[name]))


def _layer_to(store: Store, layer: str, path: Path, _: Path | None) -> None:
    from endpoint.geojson import innovations_layer, stages_layer

    build = {"innovations": innovations_layer, "stages": stages_layer}[layer]
    path.write_bytes(_json(build(store, "fr")))


def _gexf_to(store: Store, kind: str, path: Path, _: Path | None) -> None:
    from endpoint import networks
    from endpoint.networks.export import to_gexf

    path.write_bytes(to_gexf(networks.get_analysis(store, kind)))


def file_producers(store: Store) -> list[Producer]:
    """Every download of ``store`` (in display order) and how to write it; nothing runs yet."""
    producers: list[Producer] = []
    for spec in _rdf_specs():
        if spec.compressed:
            producers.append(Producer(spec, _gzip_from, needs=spec.name.removesuffix(".gz")))
        else:
            fmt = RDF_FORMATS[spec.name.removeprefix(DUMP_STEM + ".")]
            producers.append(Producer(spec, partial(_dump_to, store, fmt)))
    for spec, name in zip(_table_specs(), TABLE_TEXT, strict=True):
        producers.append(Producer(spec, partial(_table_to, store, name)))
    try:
        import endpoint.geojson  # noqa: F401
    except ImportError:  # the map is an optional part of the application
        pass
    else:
        for spec in _map_specs():
            layer = spec.name.removeprefix("map-").removesuffix(".geojson")
            producers.append(Producer(spec, partial(_layer_to, store, layer)))
    try:
        from endpoint import networks
    except ImportError:  # so are the networks
        pass
    else:
        for spec in _network_specs(tuple(networks.KINDS)):
            kind = spec.name.removeprefix("network-").removesuffix(".gexf")
            producers.append(Producer(spec, partial(_gexf_to, store, kind)))
    return producers


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


def sha256sums(files: dict[str, bytes]) -> bytes:
    """A ``SHA256SUMS`` file (``sha256sum -c`` reads it): ``<hex>  <path>`` per line."""
    return checksum_file({name: hashlib.sha256(data).hexdigest() for name, data in files.items()})


def checksum_file(digests: dict[str, str]) -> bytes:
    """A ``SHA256SUMS`` file from known digests (name -> SHA-256 in hex)."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items())).encode()
