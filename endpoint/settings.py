"""Settings declared as data: name, default, help. Flow: defaults -> config file -> RALLYNOV_* env -> overrides.

A test asserts that every setting is documented in the README.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _default_store() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "rallynov" / "store")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("STORE", _default_store(), "Folder of the on-disk store written by 'rallynov build'."),
    Setting("BASE_URI", "https://w3id.org/rallynov/", "Base of the URIs minted for the data."),
    Setting("PUBLIC_URL", "", "URL where this server is reached; defaults to the request's host."),
    Setting("QUERY_TIMEOUT", 10.0, "Seconds a SPARQL query may run before it is stopped."),
    Setting("QUERY_WORKERS", 2, "Worker processes that run SPARQL queries; each can be stopped."),
    Setting(
        "MAX_ROWS", 10000, "Most result rows returned by /sparql; the answer says when it was cut."
    ),
    Setting(
        "SERVICE_ALLOWLIST",
        "",
        "Space-separated endpoint URLs that SERVICE may call (default: none).",
    ),
    Setting(
        "CURATOR_TOKEN", "", "Bearer token that unlocks the restricted graph (environment only)."
    ),
    Setting(
        "LICENSE",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "Licence of the data.",
    ),
    Setting(
        "CONTACT_EMAIL", "", "Contact e-mail of the publisher, for the catalog's contact point."
    ),
    Setting("CONTACT_URL", "", "Contact page of the publisher (default: the home page)."),
    Setting("TILE_URL", "", "Tile layer URL template for the map (empty: offline outlines only)."),
    Setting("RATE_LIMIT", 0, "Requests per minute per client address (0: no limit; 429 beyond)."),
    Setting("MAX_BODY", 1_000_000, "Largest request body accepted, in bytes (413 beyond)."),
    Setting(
        "REMOTE_UPDATE_URL", "", "SPARQL Update URL of a remote store (guessed from the query URL)."
    ),
    Setting(
        "REMOTE_GSP_URL", "", "Graph Store URL of a remote store (guessed; 'none': Update only)."
    ),
    Setting(
        "REMOTE_GRAPH",
        "https://w3id.org/rallynov/graph/manifest",
        "Pointer graph of a remote store.",
    ),
    Setting("REMOTE_TIMEOUT", 30.0, "Seconds per request to a remote store."),
    Setting("REMOTE_RETRY_AFTER", 5.0, "Seconds before a down remote store is tried again."),
    Setting("REMOTE_MANIFEST_TTL", 1.0, "Seconds a remote store's pointer graph is reused."),
    Setting("REMOTE_USER", "", "HTTP basic user for a remote store (environment only)."),
    Setting("REMOTE_PASSWORD", "", "HTTP basic password for a remote store (environment only)."),
    Setting("REMOTE_TOKEN", "", "Bearer token for a remote store (environment only)."),
)
SECRETS = {"CURATOR_TOKEN", "REMOTE_USER", "REMOTE_PASSWORD", "REMOTE_TOKEN"}


def load_settings(
    config_file: Path | None = None, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    values = {s.name: s.default for s in SETTINGS}
    if config_file is not None:
        with config_file.open("rb") as handle:
            data = tomllib.load(handle)
        for key, value in data.items():
            name = key.upper()
            if name not in values:
                raise ValueError(
                    f"{config_file}: unknown setting {key!r}; known: {', '.join(values)}"
                )
            if name in SECRETS:
                raise ValueError(
                    f"{config_file}: {key!r} is a secret; set RALLYNOV_{name} in the environment"
                )
            values[name] = value
    for setting in SETTINGS:
        env = os.environ.get(f"RALLYNOV_{setting.name}")
        if env is not None:
            values[setting.name] = (
                type(setting.default)(env) if setting.default is not None else env
            )
    values.update(overrides or {})
    return values
