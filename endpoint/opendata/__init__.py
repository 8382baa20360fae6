"""The open-data publication of the Rally'nov knowledge graph.

Builders shared by the web server (``/catalog``, ``/.well-known/void``, ``/download/``) and the
static release (``rallynov export``):

- :mod:`.files`: every download (RDF dumps, CSV tables, GeoJSON, GEXF) and how to write it;
- :mod:`.downloads`: the files of each dataset version, built once in the background and kept
  on disk (:mod:`.storage`: where);
- :mod:`.dcat`: the DCAT-AP 3.0 catalog describing those files (size and SHA-256 once built);
- :mod:`.void`: the VoID description with statistics counted in the store;
- :mod:`.schemaorg`: the schema.org ``Dataset`` for search engines;
- :mod:`.releases`: the version history of the static releases;
- :mod:`.tables` (the CSV tables), :mod:`.terms` (namespaces and shared identifiers),
  :mod:`.texts` (titles and descriptions in French and English), :mod:`.nodes` (typed nodes),
  :mod:`.publication` (the URLs and dates of one publication).

:func:`files_for` never waits for a file: it says what is known now.
"""

from __future__ import annotations

from endpoint.opendata.downloads import Downloads, downloads_for
from endpoint.opendata.files import DownloadFile
from endpoint.store.base import Store


def files_for(store: Store) -> dict[str, DownloadFile]:
    """Every download of the store's current version as known now (built or not: no wait)."""
    return downloads_for(store).files()


__all__ = ["DownloadFile", "Downloads", "downloads_for", "files_for"]
