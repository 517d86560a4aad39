"""The heartbeat sees a frozen event loop, for how long, and which line held it."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from graders.harness.heartbeat import COMPUTING, Heartbeat
from graders.harness.probes import Recorder, Span, ThreadWatch
from graders.topics.threads import held_freeze

HERE = Path(__file__)
BUSY_LINE = next(n for n, text in enumerate(HERE.read_text().splitlines(), 1) if text.endswith("# the busy line"))
WAITING_LINE = next(n for n, text in enumerate(HERE.read_text().splitlines(), 1) if text.endswith("# the waiting line"))


FREE = 0.4  # seconds in which the loop is free to beat: long, against a crowded machine's pauses (below)


def spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:  # the busy line
        pass


@pytest.mark.asyncio
async def test_a_free_loop_keeps_beating() -> None:
    async with Heartbeat(watch=HERE) as heart:
        await asyncio.sleep(FREE)
    # The interval is 0.005 s; a crowded machine may still leave the loop unrun for a while (0.14 s
    # was seen at a load of 14 on 2 cores), never for most of a stretch in which it is free.
    assert len(heart.beats) > 3 and heart.longest_pause() < 0.75 * FREE
    assert heart.busy_line() is None


@pytest.mark.asyncio
async def test_blocking_work_in_a_thread_leaves_the_loop_free() -> None:
    async with Heartbeat() as heart:
        await asyncio.to_thread(time.sleep, FREE)
    assert len(heart.beats) > 3 and heart.longest_pause() < 0.75 * FREE  # a loop held by the sleep pauses for all of it


@pytest.mark.asyncio
async def test_a_busy_loop_stops_the_beat_and_is_located() -> None:
    async with Heartbeat(watch=HERE) as heart:
        await asyncio.sleep(0)
        spin(0.2)  # long enough for the sampler thread to get a look in, however crowded the machine
        await asyncio.sleep(0.01)
    start, end = heart.longest_gap()
    assert end - start >= 0.2
    assert heart.busy_line() == f"line {BUSY_LINE}: `while time.perf_counter() < end:  # the busy line`"


@pytest.mark.asyncio
async def test_a_loop_held_until_a_job_ends_is_caught_as_it_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    # As on a crowded machine whose OS never runs the sampler thread in time: only the job looks.
    monkeypatch.setattr(Heartbeat, "_sample", lambda heart: heart._sampler_done.release())
    recorder = Recorder(clock=time.perf_counter)
    job = recorder.blocking_job("job", 0.06)
    async with Heartbeat(watch=HERE, jobs=recorder) as heart:
        await asyncio.sleep(0)
        thread = threading.Thread(target=job)
        thread.start()
        while thread.is_alive():  # the waiting line
            pass
    assert heart.busy_line() == f"line {WAITING_LINE}: `while thread.is_alive():  # the waiting line`"
    assert recorder.after_blocking is None  # the recorder's jobs stop looking with the heartbeat


@pytest.mark.asyncio
async def test_waiting_for_the_sampler_to_stop_is_not_the_watched_code_s_doing(monkeypatch: pytest.MonkeyPatch) -> None:
    # As on a crowded machine: the sampler looks once more, late, while the loop's thread, leaving
    # the block, waits for it to stop. Seen on 3.14 as "line 32: `async with Heartbeat(...)`".
    def slow_to_stop(heart: Heartbeat) -> None:
        while heart._sampling:
            time.sleep(0.001)
        time.sleep(0.05)  # the loop's thread is waiting in __aexit__ by now, and the last beat is late
        heart.look()
        heart._sampler_done.release()

    monkeypatch.setattr(Heartbeat, "_sample", slow_to_stop)
    async with Heartbeat(watch=HERE) as heart:
        await asyncio.sleep(0.01)
    assert heart.busy == []


def test_a_window_counts_only_the_part_of_each_gap_inside_it() -> None:
    # Fixed beats, not real ones: how a window clips gaps is arithmetic, and a busy machine
    # would add its own pauses to real beats.
    heart = Heartbeat()
    heart.beats = [10.0, 10.03, 10.035, 10.04, 10.045, 10.06]  # frozen for 0.03 s first, then beating
    assert heart.longest_pause() == pytest.approx(0.03)
    assert heart.longest_pause(within=(10.02, 10.06)) == pytest.approx(0.015)
    assert heart.longest_pause(within=(11, 12)) == 0.0  # a window after the block: nothing in it
    assert heart.gap_around(10.01) == (10.0, 10.03)  # the whole frozen stretch, not only a window's part


def test_a_stretch_is_held_by_code_when_a_line_was_caught_or_the_loop_was_computing() -> None:
    # Fixed beats and CPU times: which evidence wins is logic; the sampler and the CPU clock are
    # real in the tests around this one.
    heart = Heartbeat(watch=HERE)
    heart.beats = [10.0, 10.1, 10.105]
    heart.cpu = [1.0, 1.0 + COMPUTING * 0.1 + 0.01, 1.1]  # computing for a bit more than COMPUTING of the stretch
    assert heart.holder((10.0, 10.1)) == "your code"  # no line caught: the CPU time says it was busy
    heart.busy.append((10.05, 7, "while True:"))
    assert heart.holder((10.0, 10.1)) == "line 7: `while True:`"
    heart.busy.clear()
    heart.cpu = [1.0, 1.0 + COMPUTING * 0.1 - 0.01, 1.1]  # mostly waiting: the OS, not the code
    assert heart.holder((10.0, 10.1)) is None


def test_a_longer_pause_the_os_caused_does_not_hide_one_the_code_caused() -> None:
    # Fixed beats, as a busy wait on a crowded machine left them: the first function's stretch spent
    # mostly in Thread.start (the OS slow to run the new thread), the second's spinning on a line.
    heart = Heartbeat(watch=HERE)
    heart.beats = [10.0, 10.2, 10.21, 10.3, 10.31]
    heart.cpu = [1.0, 1.01, 1.01, 1.09, 1.09]
    heart.busy.append((10.25, 7, "while thread.is_alive():"))
    one_after_another = [Span("a", 10.0, 1, 10.2, "done"), Span("b", 10.21, 1, 10.3, "done")]
    assert heart.holder((10.0, 10.2)) is None  # the longest stretch: nothing of the code's there
    assert held_freeze(heart, one_after_another, 0.05) == (10.21, 10.3, "line 7: `while thread.is_alive():`")
    assert held_freeze(heart, one_after_another, 0.1) is None  # held, but for less than the limit


@pytest.mark.asyncio
async def test_a_waiting_loop_is_not_computing() -> None:
    async with Heartbeat() as heart:
        time.sleep(0.05)  # blocked, but waiting: no CPU time
    start, _ = heart.longest_gap()
    assert heart.computing(start) < COMPUTING


@pytest.mark.asyncio
async def test_a_loop_frozen_until_the_body_returns_counts() -> None:
    async with Heartbeat() as heart:
        time.sleep(0.03)
    assert heart.longest_pause() >= 0.03
    assert heart.busy_line() is None  # nothing watched


@pytest.mark.asyncio
async def test_an_error_in_the_body_propagates_and_the_beat_stops() -> None:
    heart = Heartbeat(watch=HERE)
    with pytest.raises(ZeroDivisionError):
        async with heart:
            1 / 0
    assert heart._task is not None and heart._task.done()
    beats = len(heart.beats)
    await asyncio.sleep(0.02)
    assert len(heart.beats) == beats


@pytest.mark.asyncio
async def test_the_sampler_thread_is_not_counted_as_a_learner_thread() -> None:
    with ThreadWatch().active() as watch:
        async with Heartbeat(watch=HERE):
            await asyncio.sleep(0.01)
    assert watch.started == []
