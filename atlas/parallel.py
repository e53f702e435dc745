"""Render pages on every core: forked workers inherit the renderer, so nothing is pickled but results.

Worth it only for larger sites: below PARALLEL_THRESHOLD pages, forking costs
more than it saves (see bench/ for the measurements).
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Sequence

PARALLEL_THRESHOLD = 400

# What forked workers render. Set just before the pool forks and cleared right
# after, so a worker reads the parent's objects without pickling them.
_jobs: Sequence | None = None
_render: Callable | None = None


def _render_chunk(bounds: tuple[int, int]) -> list[tuple[str, bytes]]:
    start, end = bounds
    return [_render(job) for job in _jobs[start:end]]


def render_all(jobs: Sequence, render: Callable, workers: int | None = None) -> list[tuple[str, bytes]]:
    """`render(job) -> (output path, bytes)` for every job, in order."""
    workers = workers or len(os.sched_getaffinity(0))
    if workers < 2 or len(jobs) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return [render(job) for job in jobs]
    global _jobs, _render
    _jobs, _render = jobs, render
    try:
        size = max(1, len(jobs) // (workers * 8))
        chunks = [(start, min(start + size, len(jobs))) for start in range(0, len(jobs), size)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_render_chunk, chunks)
    finally:
        _jobs, _render = None, None
    return [item for chunk in results for item in chunk]
