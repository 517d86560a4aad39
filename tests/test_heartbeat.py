"""The heartbeat sees a frozen event loop, for how long, and which line held it."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from graders.heartbeat import Heartbeat
from graders.probes import ThreadWatch

pytestmark = pytest.mark.asyncio

HERE = Path(__file__)
BUSY_LINE = next(n for n, text in enumerate(HERE.read_text().splitlines(), 1) if text.endswith("# the busy line"))


def spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:  # the busy line
        pass


async def test_a_free_loop_keeps_beating() -> None:
    async with Heartbeat(watch=HERE) as heart:
        await asyncio.sleep(0.06)
    assert len(heart.beats) > 3
    assert heart.longest_pause() < 0.05  # generous: the interval is 0.005 s, even a busy machine stays far below
    assert heart.busy_line() is None


async def test_blocking_work_in_a_thread_leaves_the_loop_free() -> None:
    async with Heartbeat() as heart:
        await asyncio.to_thread(time.sleep, 0.06)
    assert heart.longest_pause() < 0.05


async def test_a_busy_loop_stops_the_beat_and_is_located() -> None:
    async with Heartbeat(watch=HERE) as heart:
        await asyncio.sleep(0)
        spin(0.06)
        await asyncio.sleep(0.01)
    start, end = heart.longest_gap()
    assert end - start >= 0.06
    assert heart.busy_line() == f"line {BUSY_LINE}: `while time.perf_counter() < end:  # the busy line`"


async def test_a_window_counts_only_the_part_of_each_gap_inside_it() -> None:
    async with Heartbeat() as heart:
        time.sleep(0.03)  # frozen first, as when starting threads on a busy machine
        await asyncio.sleep(0.03)
    assert heart.longest_pause() >= 0.03
    start = heart.beats[0] + 0.03
    assert heart.longest_pause(within=(start, heart.beats[-1])) < 0.025
    assert heart.longest_pause(within=(start + 1, start + 2)) == 0.0  # a window after the block: nothing in it
    first, second = heart.beats[0], heart.beats[1]
    assert heart.gap_around(first + 0.01) == (first, second)  # the whole frozen stretch, not only a window's part


async def test_a_loop_frozen_until_the_body_returns_counts() -> None:
    async with Heartbeat() as heart:
        time.sleep(0.03)
    assert heart.longest_pause() >= 0.03
    assert heart.busy_line() is None  # nothing watched


async def test_an_error_in_the_body_propagates_and_the_beat_stops() -> None:
    heart = Heartbeat(watch=HERE)
    with pytest.raises(ZeroDivisionError):
        async with heart:
            1 / 0
    assert heart._task is not None and heart._task.done()
    beats = len(heart.beats)
    await asyncio.sleep(0.02)
    assert len(heart.beats) == beats


async def test_the_sampler_thread_is_not_counted_as_a_learner_thread() -> None:
    with ThreadWatch().active() as watch:
        async with Heartbeat(watch=HERE):
            await asyncio.sleep(0.01)
    assert watch.started == []
