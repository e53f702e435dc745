"""Work on every core: forked workers inherit the renderer (or whatever a job needs), so nothing is pickled but results.

Results stream back in order, a chunk at a time, so the parent writes pages while the
workers render the next ones and the site is never held in memory whole. Writing stays
in the parent: files created by two processes at once in one folder contend for it in
the kernel, which measured slower than one writer. Worth it only for larger sites:
below PARALLEL_THRESHOLD pages, forking costs more than it saves (see bench/).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from typing import Callable, Iterator, Sequence

PARALLEL_THRESHOLD = 400
CHUNK = 40  # pages per message from a worker: small enough to stream, large enough to batch
IN_FLIGHT = 3  # chunks queued or done but not yet consumed, per worker
# Chunks a worker renders, about, before fresh ones are forked in its place: each pool gets
# this many chunks a worker. A forked worker shares the parent's memory only until it touches
# it: reading an object writes its reference count, so the page holding it becomes the
# worker's own. At 5,000 models the render stage's summed PSS was 637 MB with workers that
# lived through the stage; replaced every 100, 40 or 10 chunks (and frozen, below), 535, 528
# and 519 MB; the build took 35.5 s, and 37.8 s at 40. A pool per 40 chunks a worker, forked
# from the main thread: 520 MB, 35.6 s.
WORKER_LIFETIME = 40

# What forked workers render. Set just before the pool forks and cleared right
# after, so a worker reads the parent's objects without pickling them.
_jobs: Sequence | None = None
_render: Callable | None = None


def _render_chunk(bounds: tuple[int, int]) -> list:
    start, end = bounds
    return [_render(job) for job in _jobs[start:end]]


def in_pool(jobs: int, workers: int | None = None) -> bool:
    """Whether `map_each` renders this many jobs in forked workers (or here, one by one)."""
    workers = workers or len(os.sched_getaffinity(0))
    return workers >= 2 and jobs >= PARALLEL_THRESHOLD and "fork" in multiprocessing.get_all_start_methods()


def _render_in_fresh_pool(chunks: list[tuple[int, int]], workers: int) -> Iterator:
    """The chunks' results, in order, from a pool forked for them alone.

    Forked here, in this thread, once the last pool and its threads are gone: a pool that
    replaced its own workers (multiprocessing's `maxtasksperchild`) would fork them from
    its handler thread, while this process runs three threads, and a forked child holds
    only the thread that forked it; Python 3.12 warns of that as a deadlock risk.
    """
    # A worker forked after the parent's freeze (every pool but the first) freezes the
    # objects made since as well, so they too stay out of its collector's scans and their
    # pages unwritten. At 5,000 models, with workers of 40 chunks: 560 -> 528 MB.
    with multiprocessing.get_context("fork").Pool(workers, initializer=gc.freeze) as pool:
        # At most IN_FLIGHT chunks a worker ahead of the consumer: workers that render faster
        # than pages can be written would otherwise pile every page up in this process.
        pending = deque()
        for bounds in chunks:
            pending.append(pool.apply_async(_render_chunk, (bounds,)))
            if len(pending) >= workers * IN_FLIGHT:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def map_each(render: Callable, jobs: Sequence, workers: int | None = None) -> Iterator:
    """`render(job)` for every job, yielded in job order as the results come in."""
    workers = workers or len(os.sched_getaffinity(0))
    if not in_pool(len(jobs), workers):
        yield from map(render, jobs)
        return
    global _jobs, _render
    _jobs, _render = jobs, render
    frozen_before = gc.get_freeze_count()
    try:
        chunks = [(start, min(start + CHUNK, len(jobs))) for start in range(0, len(jobs), CHUNK)]
        gc.freeze()  # the workers' collectors then leave the inherited objects, and their pages, unwritten
        per_pool = workers * WORKER_LIFETIME
        for first in range(0, len(chunks), per_pool):
            yield from _render_in_fresh_pool(chunks[first:first + per_pool], workers)
    finally:
        _jobs, _render = None, None
        if not frozen_before:
            gc.unfreeze()  # a caller that froze objects itself (SiteBuilder) unfreezes them
