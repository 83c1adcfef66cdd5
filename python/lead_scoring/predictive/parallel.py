"""Independent pieces of training and scoring on several processes.

Training fits many small models that do not depend on each other (every candidate's
hyperparameters on every cross-validation fold), and scoring scores its leads in parts. Each
piece runs single-threaded (native thread pools limited to one thread), so a piece gives the
same numbers wherever it runs: :func:`run_all` returns exactly what running the pieces one
after another in this process returns, whatever ``jobs`` is.

Processes, not threads: the fits hold Python's GIL for much of their work. The worker
processes are joblib's ``loky`` workers (started fresh, not forked from a process that may
run DuckDB threads). :func:`released_workers` stops them when a computation is done, so
that they do not hold the memory of their last pieces beside what the dbt run does next.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from joblib import Parallel, delayed
from joblib.externals.loky import get_reusable_executor
from threadpoolctl import threadpool_limits

T = TypeVar("T")


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the platform tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return max(1, os.cpu_count() or 1)


def _single_threaded(function: Callable[..., T], args: tuple[Any, ...]) -> T:
    with threadpool_limits(limits=1):
        return function(*args)


def run_all(function: Callable[..., T], tasks: Iterable[tuple[Any, ...]], jobs: int = 1) -> list[T]:
    """``[function(*args) for args in tasks]``, each call single-threaded; with ``jobs`` > 1,
    on up to ``jobs`` worker processes (``function`` and the arguments must pickle: a
    module-level function). The results are in task order and equal to the sequential ones.
    Tasks may be a generator: a few are taken ahead of the workers, not all at once."""
    if jobs <= 1:
        return [_single_threaded(function, args) for args in tasks]
    runner = Parallel(n_jobs=jobs, backend="loky", pre_dispatch="n_jobs")
    return list(runner(delayed(_single_threaded)(function, args) for args in tasks))


@contextmanager
def released_workers(jobs: int) -> Iterator[None]:
    """Stops the worker processes when the block ends (``jobs`` > 1). joblib keeps idle
    workers for minutes, holding the memory of their last pieces; a short idle timeout instead
    raced with new work. The workers are joblib's process-wide pool: blocks with ``jobs`` > 1
    must not run at the same time in one process (the dbt models that use them run one after
    the other)."""
    try:
        yield
    finally:
        if jobs > 1:
            get_reusable_executor().shutdown(wait=True)
