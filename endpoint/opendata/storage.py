"""Where the download files of one dataset version are kept on disk, and how they are written.

- An on-disk store (``rallynov build --store DIR``): ``DIR/downloads/<version>/``, beside the
  store, so that a restart serves the files of its version without building them again. When
  ``DIR`` cannot be written (a read-only mount), the user's cache folder
  (``$XDG_CACHE_HOME/rallynov/downloads/<key>/<version>``), else the system's temporary folder.
  Files already built in any of these places are used, read-only if need be.
- A remote store: the user's cache folder (the key names its URL), else the temporary folder.
- The in-memory store (the bundled dataset, built at start-up with a new version each time): a
  temporary folder of this process, removed when the process ends.

A version folder holds each file under its own name and, in ``.meta/<name>.json``, what the
catalog needs of it (``version``, ``size``, ``sha256``). That record is written after the file
(both by rename, so never half-written): a file without one, with one of another version, or
whose size differs is not ready, and is built again. While a process builds files it holds an
exclusive lock on ``.lock``, so two servers of the same store never write the same file at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from endpoint.store.base import Store

META = ".meta"
LOCK = ".lock"
TEMPORARY = ".tmp-"
SAFE_VERSION = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Built:
    """A file that is ready: where it is, its size and SHA-256."""

    path: Path
    size: int
    sha256: str


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _writable(folder: Path) -> bool:
    """Whether files can be created in ``folder`` (made if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=TEMPORARY):
            pass
    except OSError:
        return False
    return True


def user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rallynov" / "downloads"


def shared_temporary() -> Path:
    return Path(tempfile.gettempdir()) / f"rallynov-downloads-{os.getuid()}"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def roots_for(store: Store) -> list[Path] | None:
    """The folders (one per version inside) that may hold ``store``'s downloads, preferred
    first; None for a store whose versions are new at each start (memory: a private folder)."""
    from endpoint.store import OnDiskStore
    from endpoint.store.remote import RemoteStore

    if isinstance(store, OnDiskStore):
        key = _key(str(store.path.resolve()))
        return [store.path / "downloads", user_cache() / key, shared_temporary() / key]
    if isinstance(store, RemoteStore):
        key = _key(f"{store.url}|{store.manifest_iri}")
        return [user_cache() / key, shared_temporary() / key]
    return None


def present_versions(store: Store) -> set[str] | None:
    """The versions an on-disk store still holds (the current and the previous one)."""
    from endpoint.store import OnDiskStore

    if not isinstance(store, OnDiskStore):
        return None
    found = set()
    for meta in store.path.glob("v-*.json"):
        try:
            found.add(str(json.loads(meta.read_text(encoding="utf-8"))["version"]))
        except (OSError, ValueError, KeyError):
            continue
    return found


class VersionFolder:
    """The files of one dataset version: read from any of ``readable``, written to ``writable``."""

    def __init__(
        self, version: str, readable: list[Path], writable: Path | None, *, private: bool = False
    ):
        self.version = version
        self.readable = readable
        self.writable = writable
        self.private = private  # a folder of this process only, removed by discard()

    @classmethod
    def for_store(cls, store: Store, version: str) -> VersionFolder:
        if not SAFE_VERSION.match(version):  # a version names a folder: nothing else
            version = _key(version)
        roots = roots_for(store)
        if roots is None:
            private = Path(tempfile.mkdtemp(prefix="rallynov-downloads-")) / version
            return cls(version, [private], private if _writable(private) else None, private=True)
        folders = [root / version for root in roots]
        writable = next((folder for folder in folders if _writable(folder)), None)
        readable = [folder for folder in folders if folder.is_dir()]
        return cls(version, readable, writable)

    # -- reading ---------------------------------------------------------
    def ready(self) -> dict[str, Built]:
        """Every file of this version that is complete, by name."""
        found: dict[str, Built] = {}
        for folder in self.readable:
            meta = folder / META
            if not meta.is_dir():
                continue
            for record in sorted(meta.glob("*.json")):
                name = record.name.removesuffix(".json")
                if name in found:
                    continue
                built = self._check(folder / name, record)
                if built is not None:
                    found[name] = built
        return found

    def _check(self, path: Path, record: Path) -> Built | None:
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            size, digest = int(data["size"]), str(data["sha256"])
            if data.get("version") != self.version or not path.is_file():
                return None
            if path.stat().st_size != size:
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return Built(path, size, digest)

    # -- writing ---------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive right to write in this folder (waits for another process holding it)."""
        if self.writable is None:
            raise OSError(f"no folder can be written for the downloads of version {self.version}")
        with (self.writable / LOCK).open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def remove_temporaries(self) -> None:
        """Files left half-written by a process that stopped (call with the lock held)."""
        if self.writable is None:
            return
        for folder in (self.writable, self.writable / META):
            for leftover in folder.glob(TEMPORARY + "*"):
                leftover.unlink(missing_ok=True)

    def temporary(self, name: str) -> Path:
        assert self.writable is not None
        return self.writable / f"{TEMPORARY}{uuid.uuid4().hex[:8]}-{name}"

    def publish(self, name: str, temporary: Path, still_current: Callable[[], bool]) -> Built:
        """Move the finished ``temporary`` file to ``name`` and record its size and checksum;
        nothing is kept when the dataset changed version meanwhile."""
        assert self.writable is not None
        try:
            if not still_current():
                raise StaleVersionError(self.version)
            built = Built(self.writable / name, temporary.stat().st_size, sha256_file(temporary))
            (self.writable / META).mkdir(exist_ok=True)
            record = self.writable / META / f"{TEMPORARY}{name}.json"
            record.write_text(
                json.dumps({"version": self.version, "size": built.size, "sha256": built.sha256}),
                encoding="utf-8",
            )
            os.replace(temporary, built.path)
            os.replace(record, self.writable / META / f"{name}.json")
        finally:
            temporary.unlink(missing_ok=True)
        if self.writable not in self.readable:
            self.readable.insert(0, self.writable)
        return built

    def prune_siblings(self, keep: set[str] | None) -> None:
        """Remove the folders of versions the store no longer holds (``keep``: those it holds;
        None: every other version)."""
        if self.writable is None:
            return
        for sibling in self.writable.parent.iterdir():
            if sibling == self.writable or not sibling.is_dir():
                continue
            if keep is not None and sibling.name in keep:
                continue
            if SAFE_VERSION.match(sibling.name):
                shutil.rmtree(sibling, ignore_errors=True)

    def discard(self) -> None:
        """Remove a private folder (an in-memory store's) with its files."""
        if self.private:
            shutil.rmtree(self.readable[0].parent, ignore_errors=True)


class StaleVersionError(RuntimeError):
    """The dataset changed version while a file of the previous one was being built."""
