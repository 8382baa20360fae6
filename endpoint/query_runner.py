"""Run SPARQL queries in worker processes, so that a query running too long can be stopped.

pyoxigraph cannot cancel a running query from Python, so every query runs in a worker process
that is killed when it outlives its deadline. The workers are forked after the store is loaded and
share its memory copy-on-write (an in-memory pyoxigraph store, or any other :class:`Store`)::

    web server (threads) --control socket--> zygote --fork--> worker 1, worker 2, ...
         \\___________________ one socket per worker ___________/

The *zygote* is forked once from the server, then stays single-threaded: it forks the workers
(forking a multi-threaded server repeatedly could copy a lock held by another thread) and is their
parent, so it kills and reaps them (a zombie's PID cannot be reused, so a kill never hits a
stranger). Each worker executes a :class:`Job` and serialises the results completely, row cap
included, before answering with an :class:`Answer` or a :class:`QueryError`.

>>> pool = pool_for(store, size=2)                        # doctest: +SKIP
>>> pool.run(Job("ASK {}", tabular="JSON"), timeout=10).body   # doctest: +SKIP
b'{"head":{},"boolean":true}'
"""

from __future__ import annotations

import atexit
import contextlib
import os
import select
import signal
import socket
import stat
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from endpoint.sparql.execution import Answer, Job, QueryError, execute
from endpoint.sparql.versions import current_version
from endpoint.store.base import Store
from endpoint.store.embedded import OnDiskStore

__all__ = ["Answer", "QueryError", "Job", "QueryPool", "close_pools", "pool_for"]


def _close_inherited_channels(keep: int) -> None:
    """Close the sockets and pipes the zygote inherited from the server, but ``keep``.

    Otherwise the zygote and its workers would hold the server's listening socket, other pools'
    sockets, and the ends of pipes to other children (a browser driver, a subprocess): a peer
    waiting for EOF on such a pipe would wait until the pool is closed. Files stay open (a store
    may read them), and so do 0, 1 and 2.
    """
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    for name in os.listdir(folder):
        fd = int(name)
        if fd <= 2 or fd == keep:
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.fstat(fd).st_mode) or stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.close(fd)


# -- the worker and the zygote (run in child processes) -------------------------------------------
def _worker_main(conn: Connection, store: Store) -> None:
    """Answer jobs until the server closes the socket."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        # A safety net if the server dies mid-query: the kernel ends this process after the limit.
        signal.alarm(int(job.timeout) + 3)
        try:
            answer: Answer | QueryError = execute(store, job)
        except QueryError as failure:
            answer = failure
        except Exception as exc:  # a worker must always answer
            answer = QueryError(500, f"The query failed unexpectedly ({type(exc).__name__}: {exc})")
        signal.alarm(0)
        try:
            conn.send(answer)
        except OSError:
            return


def _zygote_main(control: socket.socket, store: Store) -> None:
    """Fork workers on request ("spawn" with a socket), kill them ("kill PID"), reap them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which closes us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _close_inherited_channels(keep=control.fileno())
    store = _serving_copy(store)
    children: set[int] = set()
    while True:
        ready, _, _ = select.select([control], [], [], 1.0)
        children -= _reap(children)
        if not ready:
            continue
        try:
            message, fds, _flags, _addr = socket.recv_fds(control, 64, 1)
        except OSError:
            break
        if not message:
            break  # the server closed the control socket: the pool is closed
        command, _, argument = message.decode().partition(" ")
        if command == "spawn" and fds:
            pid = os.fork()
            if pid == 0:
                control.close()
                signal.signal(signal.SIGALRM, signal.SIG_DFL)
                try:
                    _worker_main(Connection(fds[0]), store)
                finally:
                    os._exit(0)
            os.close(fds[0])
            children.add(pid)
            control.send(str(pid).encode())
        elif command == "kill":
            pid = int(argument)
            if pid in children:  # our own unreaped child: its PID cannot have been reused
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                children.discard(pid)
            control.send(b"ok")
    # Idle workers exit on EOF; a busy one finishes its job (bounded by its alarm) and exits.
    while children:
        children -= _reap(children)
        time.sleep(0.05)


def _serving_copy(store: Store) -> Store:
    """What the workers query: an on-disk store's in-memory copy (loaded before the fork).

    ``OnDiskStore.query`` reads the version's metadata file again on every call, to notice a
    publish; a pool serves one version only (a publish gets a new pool), so its workers can
    query the copy directly.
    """
    if isinstance(store, OnDiskStore):
        with contextlib.suppress(Exception):  # nothing published: the store's own error answers
            return store.memory()
    return store


def _reap(children: set[int]) -> set[int]:
    done = set()
    for pid in children:
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                done.add(pid)
    return done


# -- the pool (in the server) ---------------------------------------------------------------------
@dataclass
class _Worker:
    pid: int
    conn: Connection

    def close(self) -> None:
        self.conn.close()


class QueryPool:
    """Workers for one store version. ``run`` never lets a query outlive its deadline."""

    def __init__(self, store: Store, size: int = 2):
        self.store = store
        self.size = max(1, size)
        self.version = current_version(store)
        self._lock = threading.Lock()  # guards the zygote socket
        self._free = threading.Condition()
        self._idle: list[_Worker] = []
        self._live: dict[int, _Worker] = {}  # every worker, idle or busy, by PID
        self._count = 0
        self._closed = False
        self._zygote: int | None = None  # its PID
        self._control: socket.socket | None = None
        with contextlib.suppress(Exception):  # load a lazily-read store before forking
            store.query("ASK {}")
        self._start_zygote()

    def _start_zygote(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()  # once per pool; the workers are forked by the zygote
        if pid == 0:
            try:
                ours.close()
                _zygote_main(theirs, self.store)
            finally:
                os._exit(0)
        theirs.close()
        self._zygote, self._control = pid, ours

    def _command(self, message: bytes, fd: int | None = None) -> bytes:
        with self._lock:
            for attempt in (1, 2):
                control = self._control
                if control is None:
                    break
                try:
                    socket.send_fds(control, [message], [fd] if fd is not None else [])
                    reply = control.recv(64)
                    if reply:
                        return reply
                except OSError:
                    pass
                if attempt == 1 and message.startswith(b"spawn"):  # the zygote died: restart it
                    self._stop_zygote()
                    self._start_zygote()
            raise OSError("The query process manager is not answering")

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        try:
            pid = int(self._command(b"spawn", theirs.fileno()))
        finally:
            theirs.close()
        worker = _Worker(pid, Connection(ours.detach()))
        self._live[pid] = worker
        return worker

    def pids(self) -> list[int]:
        """The process IDs of the current workers (idle or busy)."""
        return sorted(self._live)

    @property
    def closed(self) -> bool:
        return self._closed

    def _kill(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError):
            self._command(f"kill {worker.pid}".encode())
        self._discard(worker)

    def _discard(self, worker: _Worker) -> None:
        worker.close()
        self._live.pop(worker.pid, None)
        with self._free:
            self._count -= 1
            self._free.notify()

    def _acquire(self, deadline: float) -> _Worker:
        with self._free:
            while True:
                if self._closed:
                    raise OSError("The query pool is closed")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                self._free.wait(remaining)
        try:
            return self._spawn()
        except Exception:
            with self._free:
                self._count -= 1
            raise

    def _release(self, worker: _Worker) -> None:
        with self._free:
            if self._closed or self._count > self.size:
                self._count -= 1
                worker.close()
                self._live.pop(worker.pid, None)
            else:
                self._idle.append(worker)
            self._free.notify()

    def run(self, job: Job, timeout: float) -> Answer:
        """Execute ``job`` in a worker; raise :class:`QueryError` (a timeout is a 503)."""
        deadline = time.monotonic() + timeout
        job = job.with_timeout(timeout)
        try:
            worker = self._acquire(deadline)
        except TimeoutError:
            raise QueryError(
                503,
                f"Every query worker stayed busy for {timeout:g} s; try again in a moment",
                retry_after=int(timeout),
            ) from None
        except OSError as exc:
            raise QueryError(503, f"The query workers are not available ({exc})") from exc
        try:
            worker.conn.send(job)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._kill(worker)
                raise QueryError(
                    503,
                    f"The query ran longer than {timeout:g} s and was stopped; add a LIMIT or "
                    "narrow the patterns, or download the data (/download/) to run it locally",
                    retry_after=int(timeout),
                )
            answer = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._kill(worker)
            raise QueryError(500, "The query process stopped unexpectedly; try again") from exc
        self._release(worker)
        if isinstance(answer, QueryError):
            raise answer
        return answer  # type: ignore[no-any-return]

    def _stop_zygote(self) -> None:
        """Close the control socket (the zygote then exits); kill it if it lingers."""
        if self._control is not None:
            self._control.close()
            self._control = None
        pid, self._zygote = self._zygote, None
        if pid is None:
            return
        deadline = time.monotonic() + 2
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(pid, os.WNOHANG)[0] == 0:  # our own child, unreaped: safe to kill
                if time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    break
                time.sleep(0.02)

    def close(self) -> None:
        """Stop the idle workers and the zygote; busy workers stop after their job."""
        with self._free:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._free.notify_all()
        for worker in idle:
            worker.close()
            self._live.pop(worker.pid, None)
        with self._lock:
            self._stop_zygote()


_POOLS: dict[int, tuple[Store, QueryPool]] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(store: Store, size: int) -> QueryPool:
    """The pool of ``store`` for its current version (a new publish gets new workers)."""
    version = current_version(store)
    with _POOLS_LOCK:
        entry = _POOLS.get(id(store))
        if (
            entry is not None
            and entry[0] is store
            and entry[1].version == version
            and not entry[1].closed
        ):
            entry[1].size = max(1, size)
            return entry[1]
        if entry is not None:
            entry[1].close()
        pool = QueryPool(store, size)
        _POOLS[id(store)] = (store, pool)
        return pool


@atexit.register
def close_pools() -> None:
    """Close every pool (at exit, and from the ``serve`` command when it stops)."""
    with _POOLS_LOCK:
        entries = list(_POOLS.values())
        _POOLS.clear()
    for _store, pool in entries:
        pool.close()
