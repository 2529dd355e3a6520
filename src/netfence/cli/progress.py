"""Progress on a terminal's stderr and the time of each phase with ``--verbose``.

One display at a time: a phase (load, engine, render) shows a transient spinner once it has
run for a second, and a progress bar opened inside it (lint's rules, diff's pairs) becomes a
line of the same display. Nothing is shown when stderr is no terminal; stdout is never used.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from netfence.cli.common import err, out
from netfence.diff.compare import Progress

DELAY = 1.0
"""Seconds a phase runs before its spinner shows (quick commands never flash one)."""

_active: list[RichProgress] = []


@contextmanager
def _task(description: str, shown: bool = True) -> Iterator[tuple[RichProgress, TaskID]]:
    """A line of the display (started after ``DELAY`` when none is open yet; never shown
    when ``shown`` is false). The display leaves stdout and stderr as they are."""
    if _active:
        bar = _active[0]
        task = bar.add_task(description, total=None)
        try:
            yield bar, task
        finally:
            bar.remove_task(task)
        return
    bar = RichProgress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
        disable=not (shown and err.is_terminal),
    )
    task = bar.add_task(description, total=None)
    timer = threading.Timer(DELAY, bar.start)
    timer.daemon = True
    timer.start()
    _active.append(bar)
    try:
        yield bar, task
    finally:
        timer.cancel()
        timer.join()
        _active.clear()
        bar.stop()


@contextmanager
def progress_bar(description: str) -> Iterator[Progress]:
    """A transient progress bar on a terminal's stderr (nothing elsewhere)."""
    with _task(description) as (bar, task):

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


class Phases:
    """A command's phases: a spinner on a terminal while each runs (not while a phase writes
    to a terminal's stdout), and with ``verbose`` one line per phase on stderr
    (``time: engine 0.84 s``)."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose

    @contextmanager
    def __call__(self, name: str, writes: bool = False) -> Iterator[None]:
        """Phase ``name``; ``writes``: it prints the output on stdout."""
        start = time.perf_counter()
        with _task(name, shown=not (writes and out.is_terminal)):
            yield
        if self.verbose:
            err.print(f"time: {name} {time.perf_counter() - start:.2f} s", markup=False)
