"""A heartbeat: did the event loop stay free to run other tasks, and if not, where was it stuck?

Virtual loop time is blind to a frozen loop: a busy `while` loop or a blocking call costs
0 loop seconds. A heartbeat is a task that wakes up every few milliseconds of real time
and notes when it did. While the loop is free, the gaps between beats stay close to the
interval; while something holds the loop's thread, the beats stop, and the longest gap
says for how long no other task could run.

With `watch=` a file, a sampler thread also notes which line of that file the loop's
thread was running whenever a beat is late, so a failure can point at the busy line. With
`jobs=` a Recorder, each of its blocking jobs also looks as it ends: code that holds the loop
until a job is done (spinning on `is_alive()`, a `join()`) is sure to be caught at it then,
however late a busy machine runs the sampler.

    async with Heartbeat(watch=learner.path, jobs=recorder) as heart:
        await learner.call("run_blocking", job)
    heart.longest_gap()  # (start, end) of the longest stretch without a beat
    heart.longest_gap(within=(t0, t1))  # the same, counting only what falls between t0 and t1
    heart.busy_line()    # "line 12: `while thread.is_alive():`", or None (optionally within=(t0, t1))
    heart.holder((t0, t1))  # the busy line, else "your code" if the loop's thread was computing then
"""

from __future__ import annotations

import _thread
import asyncio
import concurrent.futures
import dis
import functools
import linecache
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import CodeType, FrameType, TracebackType
from typing import TYPE_CHECKING

from ..i18n import tr

if TYPE_CHECKING:
    from .probes import Recorder


# Where asyncio and its thread pools live: a stack that reaches the learner's line through these
# is asyncio at work (e.g. starting a worker thread), not the learner's code holding the loop.
INFRASTRUCTURE = (str(Path(asyncio.__file__).parent), str(Path(concurrent.futures.__file__).parent))
# Thread.start waits until the OS runs the new thread: on a busy machine that holds the loop
# for a while, but it is the OS's delay, not the learner's code spinning.
THREAD_START = threading.Thread.start.__code__
# A loop thread that spent this share of a stretch on the CPU was kept busy by code: one that
# waits (for the OS to start a thread, for a lock) uses little. Little is not none: a correct
# answer's loop thread once spent 25% of a 70 ms stretch (a load of 3 on 2 cores; page faults
# after the fork, the collector), and was blamed. On a crowded machine a spinning thread gets
# less than this anyway (7-20% seen with 14 runnable threads on 2 cores), which is why blocking
# jobs also look for themselves (`jobs=`): that, not this share, catches a loop held until they end.
COMPUTING = 0.5


# Up to 3.13 a loop's backward jump carries the `while`/`for` line; since 3.14 it carries the line
# of the last statement in the loop's body (the `pass` of `while True: pass`). See line_of.
BACK_JUMPS_CARRY_BODY_LINES = sys.version_info >= (3, 14)


def line_of(frame: FrameType) -> int:
    """The line `frame` is running, as its author would name it.

    A thread that spins is caught (by another thread, or by a signal handler) mostly at a loop's
    backward jump: that is where the interpreter hands the GIL over and runs signal handlers. Where
    BACK_JUMPS_CARRY_BODY_LINES, the loop's own line there is that of the instruction it jumps back
    to, so a spinning `while` is named by its `while` line on every Python."""
    if BACK_JUMPS_CARRY_BODY_LINES:
        line = _jumped_back_to(frame.f_code, frame.f_lasti)
        if line is not None:
            return line
    return frame.f_lineno


@functools.lru_cache(maxsize=256)
def _jumped_back_to(code: CodeType, offset: int) -> int | None:
    """The line a JUMP_BACKWARD at `offset` in `code` jumps back to; None at any other instruction."""
    instructions = {instruction.offset: instruction for instruction in dis.get_instructions(code)}
    jump = instructions.get(offset)
    if jump is None or jump.opname != "JUMP_BACKWARD":
        return None
    target = instructions.get(jump.argval)
    return target.positions.lineno if target is not None and target.positions is not None else None


class Heartbeat:
    """An async context manager that beats on the running loop while its body runs."""

    def __init__(
        self,
        *,
        interval: float = 0.005,
        watch: Path | None = None,
        jobs: Recorder | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.interval = interval
        self.watch = watch.resolve() if watch else None
        self.jobs = jobs
        self.clock = clock
        self.beats: list[float] = []
        self.cpu: list[float] = []  # the loop thread's CPU time at each beat
        self.busy: list[tuple[float, int, str]] = []  # (when, line, source) in the watched file while a beat was late
        self._task: asyncio.Task[None] | None = None
        self._sampling = False
        self._sampler_done = _thread.allocate_lock()
        self._loop_thread = 0

    async def __aenter__(self) -> Heartbeat:
        self._mark()
        self._task = asyncio.create_task(self._beat())
        self._loop_thread = threading.get_ident()
        if self.watch is not None:
            self._sampling = True
            self._sampler_done.acquire()
            # A bare _thread, not threading.Thread: graders' ThreadWatch counts Thread.start
            # calls as the learner's threads, and this one is the grader's.
            _thread.start_new_thread(self._sample, ())
            if self.jobs is not None:
                self.jobs.after_blocking = self.look
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._mark()  # a loop frozen until the body returned counts as a gap
        if self.jobs is not None:
            self.jobs.after_blocking = None
        if self._sampling:
            self._sampling = False
            with self._sampler_done:  # the sampler stops within one interval
                pass
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self._mark()

    def _mark(self) -> None:
        self.beats.append(self.clock())
        self.cpu.append(time.thread_time())  # on the loop's thread: its own CPU time

    def look(self) -> None:
        """From any thread: if a beat is late, note the watched file's line the loop's thread is running."""
        if self.clock() - self.beats[-1] > 3 * self.interval:
            self._note(sys._current_frames().get(self._loop_thread))

    def _sample(self) -> None:
        try:
            while self._sampling:
                time.sleep(self.interval)
                self.look()
        finally:
            self._sampler_done.release()

    def _note(self, frame: FrameType | None) -> None:
        waiting_on_os = False  # reached the learner through asyncio machinery or Thread.start
        while frame is not None:
            if self.watch is not None and Path(frame.f_code.co_filename) == self.watch:
                # Inside asyncio's own machinery (to_thread starting a pool thread, say) the loop
                # waits on the OS, not on the learner's code; only the learner's own doing counts.
                if not waiting_on_os:
                    line = line_of(frame)
                    self.busy.append((self.clock(), line, linecache.getline(str(self.watch), line).strip()))
                return
            waiting_on_os = (
                waiting_on_os or frame.f_code.co_filename.startswith(INFRASTRUCTURE) or frame.f_code is THREAD_START
                # Leaving the block, the loop's thread waits for this sampler to stop: the heartbeat's own wait.
                or frame.f_code is Heartbeat.__aexit__.__code__
            )
            frame = frame.f_back

    # What graders ask.

    def gaps(self, within: tuple[float, float] | None = None) -> list[tuple[float, float]]:
        """Start and end of each stretch without a beat, from entering the block to leaving it.

        With `within` (start, end), only the part of each stretch inside that window counts:
        e.g. while some work was running, leaving out the moments spent starting it.
        """
        low, high = within or (self.beats[0], self.beats[-1])
        clipped = [(max(a, low), min(b, high)) for a, b in zip(self.beats, self.beats[1:])]
        return [gap for gap in clipped if gap[1] > gap[0]]

    def longest_gap(self, within: tuple[float, float] | None = None) -> tuple[float, float]:
        """The longest of `gaps(within)`."""
        low = within[0] if within else self.beats[0]
        return max(self.gaps(within), key=lambda gap: gap[1] - gap[0], default=(low, low))

    def gap_around(self, moment: float) -> tuple[float, float]:
        """The whole stretch without a beat that `moment` falls in (a beat itself gives an empty stretch)."""
        return next(((a, b) for a, b in zip(self.beats, self.beats[1:]) if a <= moment <= b), (moment, moment))

    def longest_pause(self, within: tuple[float, float] | None = None) -> float:
        start, end = self.longest_gap(within)
        return end - start

    def holder(self, within: tuple[float, float]) -> str | None:
        """What kept the loop from beating during `within`, a stretch without beats, if the learner's code did.

        The watched file's busy line; else, when the sampler caught no line (on a busy machine the
        OS may not run it at the right moment), "your code" if the loop's thread spent COMPUTING or
        more of that stretch on the CPU: running code, not waiting for the OS or for a lock.
        """
        line = self.busy_line(within)
        if line is None and self.computing(within[0]) >= COMPUTING:
            return tr("your code")
        return line

    def computing(self, moment: float) -> float:
        """The share of the stretch without a beat around `moment` that the loop's thread spent on the CPU."""
        for i, (a, b) in enumerate(zip(self.beats, self.beats[1:])):
            if a <= moment <= b and b > a and i + 1 < len(self.cpu):
                return (self.cpu[i + 1] - self.cpu[i]) / (b - a)
        return 0.0

    def busy_line(self, within: tuple[float, float] | None = None) -> str | None:
        """The watched file's line the loop's thread was most often caught running while a beat was late
        (only between `within`'s start and end, if given)."""
        low, high = within or (float("-inf"), float("inf"))
        seen = Counter((line, source) for when, line, source in self.busy if low <= when <= high)
        if not seen:
            return None
        (line, source), _ = seen.most_common(1)[0]
        return tr("line {line}: `{source}`", line=line, source=source)
