"""Where the learner's code reads the real clock (the time module's) instead of the event loop's.

The graders run the loop on a virtual clock: asyncio's sleeps and timers take no real time, and only
`loop.time()` moves on by what they wait. Code that keeps a deadline by `time.monotonic()` then waits
for ever, or never sees it come; its failures say so, with the line that reads the clock.
"""

from __future__ import annotations

import dis
import functools
import linecache
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from types import CodeType

from ..i18n import sentences, tr
from .feedback import GraderFailure
from .learner import Learner

Grader = Callable[[Learner, random.Random], Awaitable[None]]

CLOCKS = ("monotonic", "perf_counter", "time", "monotonic_ns", "perf_counter_ns", "time_ns")  # time's wall clocks


@dataclass(frozen=True)
class ClockUse:
    call: str  # as the learner wrote it: "time.monotonic()"
    line: int
    source: str


def wall_clock(learner: Learner, name: str) -> ClockUse | None:
    """Where the learner's function `name` (or a function nested in it) reads one of the time module's clocks:
    `time.monotonic()`, or `monotonic()` imported from time. The loop's own clock (`loop.time()`) is no such read."""
    fn = learner.function(name, is_async=None)
    names = getattr(fn, "__globals__", {})
    clocks = [getattr(time, c) for c in CLOCKS]

    def codes(code: CodeType) -> Iterator[CodeType]:
        yield code
        for const in code.co_consts:
            if isinstance(const, CodeType):
                yield from codes(const)

    for code in codes(fn.__code__):
        module: str | None = None  # the name of the time module, loaded by the instruction before
        for instruction in dis.get_instructions(code):
            call = None
            if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
                value = names.get(instruction.argval)
                if value is time:
                    module = instruction.argval
                    continue
                if any(value is clock for clock in clocks):
                    call = f"{instruction.argval}()"
            elif module is not None and instruction.argval in CLOCKS and (
                    "ATTR" in instruction.opname or "METHOD" in instruction.opname):
                call = f"{module}.{instruction.argval}()"
            module = None
            line = instruction.positions.lineno if instruction.positions is not None else None
            if call is not None and line:
                return ClockUse(call, line, linecache.getline(code.co_filename, line).strip())
    return None


def loop_clock_told(name: str, advice: Callable[[], str], cause: str) -> Callable[[Grader], Grader]:
    """A decorator for a grader of the learner's function `name`: where that function reads the time module's clock, its
    failures say so, with `advice()` (translated when it is told) and `cause`. On the graders' virtual clock a deadline
    or a pace kept by that clock goes wrong, and the failure alone would name another mistake."""

    def told(grader: Grader) -> Grader:
        @functools.wraps(grader)
        async def graded(learner: Learner, rng: random.Random) -> None:
            try:
                await grader(learner, rng)
            except GraderFailure as failure:
                use = wall_clock(learner, name)
                if use is None:
                    raise
                blanks = {"call": use.call, "line": use.line, "source": use.source}
                failure.observed = sentences(failure.observed or "", tr(
                    "Line {line}, `{source}`, reads the real time with `{call}`. The graders run the event loop on a "
                    "virtual clock: asyncio's sleeps and timeouts take no real time, only the loop's clock moves on by "
                    "them, so a deadline kept by `{call}` is never reached.", **blanks))
                failure.advice = advice()
                failure.cause = cause
                raise

        return graded

    return told
