"""Parse many files: in this process, on worker processes (pebble), or on Dask.

Whatever the engine, each file gives the records of ``pipeline.parse_file``; a
file that takes longer than ``timeout`` or kills its worker becomes a
``failed`` row with reason ``timed_out`` or ``parse_error``. Records travel in
batches of Arrow tables (``pipeline.records_to_arrow``), made where the files
were parsed, so the process that gathers them only concatenates columns.
"""
from __future__ import annotations

import collections
import faulthandler
import functools
import gc
import itertools
import os
import time
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager

from .pipeline import failed_records, parse_file, records_to_arrow
from .read import DEFAULT_MAX_BYTES
from .timeout import Timeout, alarm

IN_PROCESS_MAX = 8  # batches this small are parsed without starting workers
BATCH = 256  # files per Arrow batch parsed in this process
CHUNK = 64  # at most this many files per worker task


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _bar(total: int, progress: bool | None):
    """The progress bar of load_corpus: see :mod:`gxbg_kit.progress`."""
    from .progress import progress_bar

    return progress_bar(total, progress)


def _max_bytes(limits) -> int | None:
    return (limits or {}).get("max_bytes", DEFAULT_MAX_BYTES)


def _timed_out(task, timeout, limits=None):
    path, display, man = task
    return failed_records(path, display, man, "timed_out",
                          f"parsing took longer than the limit of {timeout:g} s and was stopped "
                          "(raise timeout= to allow more)", max_bytes=_max_bytes(limits))


def _parse_with_alarm(task, timeout, limits):
    """Parse one file under a SIGALRM timeout (where the platform has one)."""
    try:
        with alarm(timeout):
            return parse_file(*task, limits)
    except Timeout:
        return _timed_out(task, timeout, limits)


@contextmanager
def _gc_paused():
    """Parsing allocates millions of short-lived tuples, and each time the cyclic
    garbage collector runs it rescans every long-lived object (the label and cell
    caches): about 15 % of the parsing time. Parsing leaves no reference cycles
    (none in 300 synthetic reports), so the collector is paused while a batch is
    parsed; anything a failure leaves behind is collected once it resumes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _batched(records, size=BATCH):
    """Arrow batches of an iterable of records (parsed as it is consumed), ``size`` files at a time."""
    records = iter(records)
    while True:
        with _gc_paused():
            group = list(itertools.islice(records, size))
            if not group:
                return
            batch = records_to_arrow(group)
        yield batch


def parse_in_process(tasks, timeout, limits, bar):
    def each():
        for task in tasks:
            rec = _parse_with_alarm(task, timeout, limits)
            bar.update(1)
            yield rec

    yield from _batched(each())


def prefetch(tasks, max_bytes: int | None = None) -> None:
    """Ask the kernel to start reading a chunk's files now (``posix_fadvise``
    WILLNEED), so parsing the first files overlaps the disk reads of the rest.
    Only regular files, opened without blocking (a FIFO is never waited on),
    and no more than ``max_bytes`` of each."""
    if not hasattr(os, "posix_fadvise"):
        return
    from .errors import ReadError
    from .read import open_regular

    for task in tasks:
        try:
            fh = open_regular(task[0])
        except (OSError, ReadError):
            continue  # reported when the file is parsed
        with fh:
            try:
                os.posix_fadvise(fh.fileno(), 0, max_bytes or 0, os.POSIX_FADV_WILLNEED)
            except OSError:
                pass


def backstop(timeout: float | None) -> float | None:
    """Seconds after which a file still parsing is given up even where SIGALRM
    cannot stop it (C code that holds the interpreter): its worker is ended."""
    return None if timeout is None else timeout * 2 + 30


@contextmanager
def _watchdog(limit: float | None):
    """A worker's last resort against a file stuck in C code, deaf to SIGALRM:
    faulthandler's watchdog, a C thread that needs no interpreter lock, ends the
    worker process once one file has run for ``limit`` seconds; the chunk is then
    parsed again file by file, each in a task the pool can kill. Yields a
    function to call before each file. Re-arming starts a thread, so it is done
    only when half the limit has passed since the last arming: a file is given
    up between ``limit / 2`` and ``limit`` seconds after it started."""
    if limit is None:
        yield lambda: None
        return
    armed = -limit

    def beat():
        nonlocal armed
        now = time.monotonic()
        if now - armed > limit / 2:
            faulthandler.dump_traceback_later(limit, exit=True, file=_devnull())
            armed = now

    try:
        yield beat
    finally:
        faulthandler.cancel_dump_traceback_later()


@functools.cache
def _devnull():
    return open(os.devnull, "w")  # kept open: the watchdog writes to it


def parse_chunk(tasks, timeout, limits, watchdog=False):
    """Parse a few files in a worker, each under its own SIGALRM timeout, and
    return their records as one Arrow batch. ``watchdog``: end this process if
    one file outlasts :func:`backstop` (only in a worker process of our own)."""
    with _gc_paused(), _watchdog(backstop(timeout) if watchdog else None) as beat:
        beat()  # armed before any file is touched, the prefetch included
        prefetch(tasks, _max_bytes(limits))

        def each():
            for task in tasks:
                beat()
                yield _parse_with_alarm(task, timeout, limits)

        return records_to_arrow(each())


def _chunks(tasks, jobs):
    size = max(1, min(CHUNK, len(tasks) // (jobs * 8)))
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def parse_on_processes(tasks, jobs, timeout, limits, bar):
    """Chunks of files on ``jobs`` processes (few round trips). Inside a worker each
    file has a SIGALRM timeout; a file that still hangs (a C extension ignoring
    signals) ends its worker after :func:`backstop` seconds. A chunk whose worker
    died is parsed again one file per task, each killed by the pool after
    ``timeout``, so only the culprit fails."""
    from pebble import ProcessPool

    with ProcessPool(max_workers=jobs) as pool:
        chunks = _chunks(tasks, jobs)
        limit = backstop(timeout)

        def submit(chunk):  # the pool's own timeout: a net under the worker's watchdog
            return pool.schedule(parse_chunk, args=(chunk, timeout, limits, True),
                                 timeout=None if limit is None else limit * (len(chunk) + 1))

        # a bounded number of chunks in flight: finished results wait in this
        # process's memory only until consumed, never for the whole corpus
        in_flight = collections.deque()
        pending = iter(chunks)
        for chunk in itertools.islice(pending, jobs * 4):
            in_flight.append((chunk, submit(chunk)))
        while in_flight:
            chunk, fut = in_flight.popleft()
            try:
                done = fut.result()
            except Exception:
                done = records_to_arrow(_one_by_one(pool, chunk, timeout, limits))
            nxt = next(pending, None)
            if nxt is not None:
                in_flight.append((nxt, submit(nxt)))
            bar.update(len(chunk))
            yield done
            del done


def _one_by_one(pool, tasks, timeout, limits):
    from pebble import ProcessExpired

    out = []
    futures = [pool.schedule(parse_file, args=(*task, limits), timeout=timeout)
               for task in tasks]
    for task, fut in zip(tasks, futures):
        try:
            out.append(fut.result())
        except FutureTimeout:
            out.append(_timed_out(task, timeout, limits))
        except ProcessExpired as exc:
            out.append(failed_records(*task, "parse_error",
                                      f"the worker parsing this file died ({exc})",
                                      max_bytes=_max_bytes(limits)))
        except Exception as exc:  # pickling or pool errors: keep the row
            out.append(failed_records(*task, "parse_error", f"{type(exc).__name__}: {exc}",
                                      max_bytes=_max_bytes(limits)))
    return out


def parse_on_dask(tasks, jobs, limits, bar, client=None):
    from distributed import Client, LocalCluster

    own = client is None
    if own:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    try:
        # chunks, as on local processes: cluster workers build the Arrow batches
        threads = sum(client.nthreads().values()) or jobs
        chunks = _chunks(tasks, threads)
        futures = client.map(parse_chunk, chunks, [None] * len(chunks), [limits] * len(chunks),
                             pure=False)
        for chunk, fut in zip(chunks, futures):
            try:
                batch = fut.result()
            except Exception:  # a worker died or the task was lost: retry file by file
                batch = records_to_arrow(_dask_one_by_one(client, chunk, limits))
            fut.release()
            bar.update(len(chunk))
            yield batch
    finally:
        if own:
            client.close()
            cluster.close()


def _dask_one_by_one(client, tasks, limits):
    futures = client.map(parse_file, *zip(*tasks), [limits] * len(tasks), pure=False)
    out = []
    for task, fut in zip(tasks, futures):
        try:
            out.append(fut.result())
        except Exception as exc:  # keep the row, say what happened
            out.append(failed_records(*task, "parse_error", f"{type(exc).__name__}: {exc}",
                                      max_bytes=_max_bytes(limits)))
        fut.release()
    return out


def iter_parsed(tasks, *, jobs=None, timeout=None, limits=None, progress=None,
                engine="processes", client=None):
    """Yield Arrow batches of the records of the tasks (path, display path, manifest row)."""
    if engine not in ("processes", "dask"):
        raise ValueError(f"unknown engine {engine!r}: use 'processes' or 'dask'")
    if not tasks:
        return
    jobs = jobs or default_jobs()
    bar = _bar(len(tasks), progress)
    try:
        if engine == "dask":
            yield from parse_on_dask(tasks, jobs, limits, bar, client)
        elif jobs == 1 or len(tasks) <= IN_PROCESS_MAX:
            yield from parse_in_process(tasks, timeout, limits, bar)
        else:
            yield from parse_on_processes(tasks, jobs, timeout, limits, bar)
    finally:
        bar.close()
