"""The download files of each dataset version: built once, in the background, kept on disk.

Nothing here makes a page wait for a dump. :func:`downloads_for` answers at once with every
download of the store's current version: those already built with their size and SHA-256, the
others with their description only. One background thread per version builds the missing
files, one after the other (files asked for by a request first), into the version's folder
(:mod:`endpoint.opendata.storage`): beside an on-disk store, so a restart reuses them.

The start-up warm-up (``rallynov serve``) builds them all; without it, the first request for a
download starts the thread.

>>> downloads = downloads_for(store)                 # doctest: +SKIP
>>> downloads.files()["rallynov.nt"].ready           # doctest: +SKIP
False
>>> downloads.build_all()["rallynov.nt"].sha256      # doctest: +SKIP
'9f2c...'
"""

from __future__ import annotations

import logging
import threading
import time
import weakref

from endpoint.opendata.files import DownloadFile, FileSpec, Producer, file_producers
from endpoint.opendata.storage import Built, StaleVersionError, VersionFolder, present_versions
from endpoint.store.base import Store

log = logging.getLogger("rallynov.downloads")

RETRY_FAILED_AFTER = 300.0  # seconds before a file that failed is tried again on request


class Downloads:
    """The downloads of one version of one store."""

    def __init__(self, store: Store, version: str):
        self.version = version
        self._store = weakref.ref(store)
        producers = file_producers(store)
        self.specs: dict[str, FileSpec] = {p.spec.name: p.spec for p in producers}
        self.folder = VersionFolder.for_store(store, version)
        if self.folder.private:
            weakref.finalize(self, self.folder.discard)
        self._cond = threading.Condition()
        self._built = {n: b for n, b in self.folder.ready().items() if n in self.specs}
        self._failed: dict[str, tuple[str, float]] = {}
        self._wanted: list[str] = []
        self._thread: threading.Thread | None = None
        self._seconds: list[float] = []
        self._building: str | None = None  # the file being written now
        meta = store.meta()
        # before any file is built: about 10 s per million triples and file (a guess)
        self.guess_per_file = (meta.triples if meta else 0) / 100_000

    # -- what is known now (never waits) -----------------------------------
    def files(self) -> dict[str, DownloadFile]:
        """Every download, in display order: size, checksum and path once built."""
        with self._cond:
            built = dict(self._built)
        return {name: _describe(spec, built.get(name)) for name, spec in self.specs.items()}

    def state(self) -> tuple[str, ...]:
        """The names of the files built so far (a cache key for what describes them)."""
        with self._cond:
            return tuple(sorted(self._built))

    @property
    def complete(self) -> bool:
        with self._cond:
            return len(self._built) == len(self.specs)

    def pending(self) -> list[str]:
        """The files still to build (neither built nor failed), in the order they will be."""
        with self._cond:
            return self._pending()

    def failure(self, name: str) -> str | None:
        with self._cond:
            failed = self._failed.get(name)
        return failed[0] if failed else None

    def expected_seconds(self, name: str | None = None) -> float:
        """About how long until ``name`` (None: every file) is built: the files before it times
        the mean time per file so far (before the first: a guess from the triple count)."""
        with self._cond:
            pending = self._pending()
            ahead = pending.index(name) + 1 if name in pending else len(pending)
            per_file = (
                sum(self._seconds) / len(self._seconds) if self._seconds else self.guess_per_file
            )
        return per_file * ahead

    def retry_after(self, name: str | None = None) -> int:
        """Seconds for the ``Retry-After`` header of a request for ``name`` (None: every file)."""
        return int(min(3600, max(5, self.expected_seconds(name))))

    # -- building ------------------------------------------------------------
    def start(self) -> None:
        """Build the missing files in a background thread (unless one is running already)."""
        with self._cond:
            if (self._thread is not None and self._thread.is_alive()) or not self._pending():
                return
            self._thread = threading.Thread(
                target=self._run, name=f"rallynov-downloads-{self.version}", daemon=True
            )
            self._thread.start()

    def request(self, name: str | None = None) -> None:
        """Ask for ``name`` first (a client waits for it), and make sure the build runs."""
        with self._cond:
            failed = self._failed.get(name or "")
            if failed and time.monotonic() - failed[1] > RETRY_FAILED_AFTER:
                del self._failed[name or ""]
            if name in self.specs and name not in self._wanted:
                self._wanted.insert(0, name)
        self.start()

    def wait(self, names: list[str], timeout: float | None) -> bool:
        """Wait until each of ``names`` is built or has failed; True when all are built."""

        def settled() -> bool:
            running = self._thread is not None and self._thread.is_alive()
            return not running or all(n in self._built or n in self._failed for n in names)

        with self._cond:
            self._cond.wait_for(settled, timeout)
            return all(n in self._built for n in names)

    def build_all(self, timeout: float | None = None) -> dict[str, DownloadFile]:
        """Build every missing file now (in the background thread) and wait for it; raises
        ``RuntimeError`` naming the files that could not be built."""
        self.request()
        if not self.wait(list(self.specs), timeout):
            with self._cond:
                missing = [f"{n} ({self._failed.get(n, ('not yet',))[0]})" for n in self._pending()]
                missing += [f"{n} ({m})" for n, (m, _) in self._failed.items()]
            raise RuntimeError(f"downloads not built: {'; '.join(missing)}")
        return self.files()

    def _pending(self) -> list[str]:
        """The files left to build, in the order they will be (call with the lock held)."""
        first = [self._building] if self._building else []
        order = dict.fromkeys([*first, *self._wanted, *self.specs])  # unique, in that order
        return [n for n in order if n not in self._built and n not in self._failed]

    def _still_current(self) -> bool:
        store = self._store()
        meta = store.meta() if store is not None else None
        return meta is not None and meta.version == self.version

    def _run(self) -> None:
        store = self._store()
        if store is None:
            return
        try:
            with self.folder.lock():  # another process building them: wait, then reuse its files
                self.folder.remove_temporaries()
                found = {n: b for n, b in self.folder.ready().items() if n in self.specs}
                with self._cond:
                    self._built.update(found)
                    self._cond.notify_all()
                self.folder.prune_siblings(present_versions(store))
                producers = {p.spec.name: p for p in file_producers(store)}
                while True:
                    with self._cond:
                        pending = self._pending()
                    if not pending or not self._still_current():
                        break
                    self._build(producers, pending[0])
        except StaleVersionError:
            log.info("downloads of version %s: the dataset changed version, stopped", self.version)
        except Exception as exc:  # noqa: BLE001  (reported; pages describe what exists)
            log.warning("downloads of version %s could not be built: %s", self.version, exc)
            with self._cond:
                for name in self._pending():
                    self._failed[name] = (str(exc), time.monotonic())
        finally:
            with self._cond:
                self._wanted.clear()
                self._cond.notify_all()

    def _build(self, producers: dict[str, Producer], name: str) -> None:
        producer = producers[name]
        source = None
        if producer.needs is not None:
            if producer.needs not in self._built:
                self._build(producers, producer.needs)
            needed = self._built.get(producer.needs)
            if needed is None:
                self._fail(name, f"needs {producer.needs}, which could not be built")
                return
            source = needed.path
        started = time.perf_counter()
        temporary = self.folder.temporary(name)
        with self._cond:
            self._building = name
        try:
            producer.write(temporary, source)
            built = self.folder.publish(name, temporary, self._still_current)
        except StaleVersionError:
            raise
        except Exception as exc:  # noqa: BLE001  (one file failing leaves the others)
            self._fail(name, str(exc))
            return
        finally:
            temporary.unlink(missing_ok=True)
            with self._cond:
                self._building = None
        seconds = time.perf_counter() - started
        with self._cond:
            self._built[name] = built
            self._seconds.append(seconds)
            self._cond.notify_all()
        log.info("download %s: %d bytes in %.1f s", name, built.size, seconds)

    def _fail(self, name: str, message: str) -> None:
        log.warning("download %s could not be built: %s", name, message)
        with self._cond:
            self._failed[name] = (message, time.monotonic())
            self._cond.notify_all()


def _describe(spec: FileSpec, built: Built | None) -> DownloadFile:
    if built is None:
        return DownloadFile(spec)
    return DownloadFile(spec, built.size, built.sha256, built.path)


_registry: weakref.WeakKeyDictionary[Store, Downloads] = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def downloads_for(store: Store) -> Downloads:
    """The downloads of the store's current version (a new set when the version changes)."""
    meta = store.meta()
    version = meta.version if meta is not None else ""
    with _guard:
        current = _registry.get(store)
        if current is None or current.version != version:
            current = Downloads(store, version)
            _registry[store] = current
        return current
