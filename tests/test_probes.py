"""The probes record what learner code did with the jobs it was given."""

from __future__ import annotations

import asyncio
import time

import pytest

from graders.harness.probes import JobFailed, Recorder, ThreadWatch

pytestmark = pytest.mark.asyncio


@pytest.mark.looptime
async def test_jobs_record_loop_time_and_overlap() -> None:
    recorder = Recorder()
    jobs = [recorder.job("a", 1, "A"), recorder.job("b", 3, "B")]
    assert await asyncio.gather(*(job() for job in jobs)) == ["A", "B"]
    assert [(s.label, s.start, s.end, s.state) for s in recorder.spans] == [("a", 0, 1, "done"), ("b", 0, 3, "done")]
    assert recorder.max_in_flight == 2 and recorder.overlapped()
    assert not recorder.off_loop_thread() and not recorder.still_running()


@pytest.mark.looptime
async def test_sequential_jobs_never_overlap() -> None:
    recorder = Recorder()
    for job in [recorder.job("a", 1), recorder.job("b", 1)]:
        await job()
    assert recorder.max_in_flight == 1 and not recorder.overlapped()


@pytest.mark.looptime
async def test_failed_cancelled_and_unawaited_jobs() -> None:
    recorder = Recorder()
    with pytest.raises(JobFailed):
        await recorder.job("bad", 1, fails=True)()
    task = asyncio.create_task(recorder.job("slow", 10)())
    await asyncio.sleep(1)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    forgotten = recorder.job("forgotten", 1)()
    early = asyncio.create_task(recorder.job("cut before it began", 1)())
    early.cancel()  # before its first step: its coroutine is closed without running
    await asyncio.gather(early, return_exceptions=True)
    assert [s.state for s in recorder.spans] == ["failed", "cancelled"]
    assert recorder.spans[1].end == 2
    assert recorder.never_awaited() == ["forgotten"]
    assert recorder.cancelled_before_start() == ["cut before it began"]
    forgotten.close()


@pytest.mark.looptime
async def test_still_running_jobs_show_in_the_timeline() -> None:
    recorder = Recorder()
    task = asyncio.create_task(recorder.job("slow", 10)())
    await asyncio.sleep(2)
    assert [s.label for s in recorder.still_running()] == ["slow"]
    assert ">" in recorder.timeline()
    task.cancel()


async def test_blocking_jobs_in_threads_are_seen_off_the_loop_thread() -> None:
    recorder = Recorder(clock=time.perf_counter)
    watch = ThreadWatch()
    with watch.active():
        await asyncio.gather(*(asyncio.to_thread(recorder.blocking_job(f"j{i}", 0.02, i)) for i in range(2)))
    assert len(recorder.off_loop_thread()) == 2
    assert watch.started, "to_thread starts pool threads"
    assert all(s.duration and s.duration >= 0.02 for s in recorder.spans)
