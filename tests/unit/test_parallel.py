"""The parallel map: forked workers, fork-server workers beside threads, or this process."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from helpers import Project, read_folder

from bilan_gen import parallel
from bilan_gen.build.pipeline import RenderContext, _render_one
from bilan_gen.cache import BuildCache
from bilan_gen.parallel import parallel_map, start_method, worker_context
from bilan_gen.rendering import Renderer

ITEMS = list(range(64))


def _task(item: int) -> tuple[int, object, int]:
    return item * item, worker_context(), os.getpid()


@pytest.fixture
def other_thread() -> Iterator[None]:
    """Another thread runs, as the server's threads do under ``mkdocs serve``."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join()


def _check(results: list[tuple[int, object, int]], context: object) -> set[int]:
    assert [square for square, _, _ in results] == [i * i for i in ITEMS]
    assert all(seen == context for _, seen, _ in results)
    return {pid for _, _, pid in results}


FORKED = """
import json, os
from bilan_gen import parallel
from bilan_gen.cache import BuildCache
from bilan_gen.parallel import parallel_map, start_method, worker_context
from bilan_gen.build.pipeline import RenderContext, _render_one

def task(item):
    return item * item, worker_context(), os.getpid()

context = {"options": ["a", 1]}
results = parallel_map(task, list(range(64)), context, min_per_worker=8)
print(json.dumps([start_method(), os.getpid(), results, worker_context()]))
"""


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: the map runs here")
def test_single_threaded_maps_fork_workers_that_inherit_the_context() -> None:
    # A fresh interpreter: this test process may run other threads (pytest-xdist's).
    done = subprocess.run([sys.executable, "-c", FORKED], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    method, pid, results, after = json.loads(done.stdout)
    assert method == "fork"
    pids = _check([tuple(r) for r in results], {"options": ["a", 1]})
    assert pid not in pids
    assert after is None  # the context is restored after the map


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: the map runs here")
def test_beside_threads_workers_come_from_the_fork_server(other_thread: None) -> None:
    assert start_method() == "forkserver"
    context = ("secret", b"\x00" * 32)
    results = parallel_map(_task, ITEMS, context, min_per_worker=8)
    assert os.getpid() not in _check(results, context)


def test_beside_threads_an_unpicklable_context_runs_here(other_thread: None) -> None:
    context = {"callback": lambda: None}
    results = parallel_map(_task, ITEMS, context, min_per_worker=8)
    assert _check(results, context) == {os.getpid()}


def test_a_renderer_pickles_as_its_configuration() -> None:
    renderer = Renderer(["toc", "tables"], {"toc": {"permalink": True}})
    copy = pickle.loads(pickle.dumps(renderer))
    text = "## Titre\n\n| a | b |\n| - | - |\n| 1 | [x](annexes/x.png) |\n"
    assert copy.render_markdown(text) == renderer.render_markdown(text)
    assert copy.render_markdown(text)[1] == {"annexes/x.png"}


def test_a_build_context_crosses_to_fork_server_workers(project: Project) -> None:
    # Under `mkdocs serve`, a context that does not pickle would silently run on one core.
    cache = BuildCache(project.root / ".bilan" / "cache", b"\x5e" * 32, "configuration")
    renderer = Renderer(["toc", "tables"], {"toc": {"permalink": True}})
    context = RenderContext(project.options, b"\x5e" * 32, renderer, dt.date.today(), cache)
    assert parallel._picklable((_render_one, context))
    copy = pickle.loads(pickle.dumps(context))
    assert copy.options == project.options
    assert copy.cache.key_for(read_folder(project.folder())) == cache.key_for(
        read_folder(project.folder())
    )
