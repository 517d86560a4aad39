"""Where the learner's code reads the real clock (the time module's) instead of the event loop's.

The graders run the loop on a virtual clock: asyncio's sleeps and timers take no real time, and only
`loop.time()` moves on by what they wait. Code that keeps a deadline by `time.monotonic()` then waits
for ever, or never sees it come; its failures say so, with the line that reads the clock.
"""

from __future__ import annotations

import dis
import linecache
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import CodeType

from .learner import Learner

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
