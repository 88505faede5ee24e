"""Run independent per-dossier work on every core.

Dossiers are independent, so checking and publishing them is a plain parallel map. Each
worker receives the map's context once, when it starts. In a single-threaded process the
workers are forked: they inherit the context (options, secret, shell page) without pickling
it. Forking a process that runs other threads (``mkdocs serve``, a preview server) can
deadlock the child, so there the workers come from a fork server, a clean process started
once; the context is then pickled, once per worker. With few items, or a context that cannot
be pickled where it must be, the map runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_PER_WORKER = 32
MAX_CHUNK = 8
WORKER_GC_THRESHOLD = 50_000
_context: Any = None


def worker_context() -> Any:
    """The context given to :func:`parallel_map`, inside a task."""
    return _context


def _set_context(context: Any) -> None:
    global _context
    _context = context


def _start_worker(context: Any) -> None:
    """A worker's set-up: its context, and a garbage collector tuned for short lives.

    Tasks allocate many short-lived objects (Markdown trees): the objects the worker starts
    with are moved out of the collector's sight, and young collections run less often.
    """
    _set_context(context)
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


def start_method() -> str | None:
    """How to start workers here: ``fork``, ``forkserver`` (other threads run), or None."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else None


def worker_count(items: int, min_per_worker: int = MIN_ITEMS_PER_WORKER) -> int:
    """How many processes to use for ``items`` tasks (1: run here)."""
    if start_method() is None:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, items // max(1, min_per_worker)))


def start_fork_server(*modules: str) -> None:
    """Start the fork server now, with ``modules`` imported once for all its workers.

    Call it before threads start (a server about to serve): the first parallel map run from
    a thread then finds workers ready instead of paying the start-up.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(modules))
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - any failure means: run here instead
        return False
    return True


def parallel_map(
    func: Callable[[T], R],
    items: Sequence[T],
    context: Any = None,
    *,
    min_per_worker: int = MIN_ITEMS_PER_WORKER,
    on_result: Callable[[R], None] | None = None,
) -> list[R]:
    """``[func(item) for item in items]`` on every core, in order; ``context`` for the tasks.

    ``func`` must be a module-level function. ``min_per_worker`` is the fewest tasks worth a
    process (lower it for slow tasks); ``on_result`` is called here with each result as it
    arrives (a progress bar).
    """
    running = start_map(func, items, context, min_per_worker=min_per_worker)
    return [_reported(result, on_result) for result in running.results()]


class RunningMap(Generic[T, R]):
    """A map started on worker processes while this process goes on, or, when workers are
    not worth it or not possible here, run in this process as its results are read."""

    def __init__(
        self,
        func: Callable[[T], R],
        items: Sequence[T],
        context: Any,
        pool: ProcessPoolExecutor | None = None,
        chunk: int = 1,
    ) -> None:
        self._func, self._items, self._context, self._pool = func, items, context, pool
        if pool is not None:
            self._results = pool.map(func, items, chunksize=chunk)

    def results(self) -> Iterator[R]:
        """The results in order, as they come; the workers stop after the last one."""
        if self._pool is None:
            for item in self._items:
                yield _call_with(self._context, self._func, item)
            return
        with self._pool:
            yield from self._results

    def cancel(self) -> None:
        """Drop the tasks not started yet and stop the workers."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def start_map(
    func: Callable[[T], R],
    items: Sequence[T],
    context: Any = None,
    *,
    min_per_worker: int = MIN_ITEMS_PER_WORKER,
) -> RunningMap[T, R]:
    """Start ``func`` on every item now, on worker processes, for results read later."""
    workers = worker_count(len(items), min_per_worker)
    method = start_method()
    if workers == 1 or method is None:
        return RunningMap(func, items, context)
    if method == "forkserver" and not _picklable((func, context)):
        return RunningMap(func, items, context)
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(context,),
    )
    # Small chunks: the workers end together, none waits long on the other's last chunk.
    chunk = max(1, min(MAX_CHUNK, len(items) // (workers * 8)))
    return RunningMap(func, items, context, pool, chunk)


def _call_with(context: Any, func: Callable[[T], R], item: T) -> R:
    previous = _context
    _set_context(context)
    try:
        return func(item)
    finally:
        _set_context(previous)


def _reported(result: R, on_result: Callable[[R], None] | None) -> R:
    if on_result is not None:
        on_result(result)
    return result
