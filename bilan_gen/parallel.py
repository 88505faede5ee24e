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


def worker_count(items: int) -> int:
    """How many processes to use for ``items`` tasks (1: run here)."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, items // MIN_ITEMS_PER_WORKER))


def parallel_map(func: Callable[[T], R], items: Sequence[T], context: Any = None) -> list[R]:
    """``[func(item) for item in items]`` on every core, in order; ``context`` for the tasks."""
    workers = worker_count(len(items))
    previous = _context
    _set_context(context)
    try:
        if workers == 1:
            return [func(item) for item in items]
        chunk = max(1, len(items) // (workers * 8))
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=fork) as pool:
            return list(pool.map(func, items, chunksize=chunk))
    finally:
        _set_context(previous)
