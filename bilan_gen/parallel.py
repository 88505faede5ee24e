"""Run independent per-dossier work on every core.

Dossiers are independent, so checking and publishing them is a plain parallel map. Worker
processes are forked, so they inherit the build's context (options, secret, shell page)
without pickling it; results come back pickled, so tasks return small values. Where forking
is unsafe (other threads running, as under ``mkdocs serve``) or not worth it (few items), the
map runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_PER_WORKER = 32
_context: Any = None


def worker_context() -> Any:
    """The context given to :func:`parallel_map`, inside a task."""
    return _context


def _set_context(context: Any) -> None:
    global _context
    _context = context


def worker_count(items: int, min_per_worker: int = MIN_ITEMS_PER_WORKER) -> int:
    """How many processes to use for ``items`` tasks (1: run here)."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, items // max(1, min_per_worker)))


def parallel_map(
    func: Callable[[T], R],
    items: Sequence[T],
    context: Any = None,
    *,
    min_per_worker: int = MIN_ITEMS_PER_WORKER,
    on_result: Callable[[R], None] | None = None,
) -> list[R]:
    """``[func(item) for item in items]`` on every core, in order; ``context`` for the tasks.

    ``min_per_worker`` is the fewest tasks worth a process (lower it for slow tasks);
    ``on_result`` is called here with each result as it arrives (a progress bar).
    """
    workers = worker_count(len(items), min_per_worker)
    previous = _context
    _set_context(context)
    try:
        if workers == 1:
            return [_reported(func(item), on_result) for item in items]
        chunk = max(1, len(items) // (workers * 8))
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=fork) as pool:
            return [_reported(r, on_result) for r in pool.map(func, items, chunksize=chunk)]
    finally:
        _set_context(previous)


def _reported(result: R, on_result: Callable[[R], None] | None) -> R:
    if on_result is not None:
        on_result(result)
    return result
