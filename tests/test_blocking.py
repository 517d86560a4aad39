"""The loop guard records blocking calls made from the learner's file on the loop's thread, and only those."""

from __future__ import annotations

import sys
import textwrap
import threading
import time
from collections.abc import Callable
from types import FrameType
from pathlib import Path

import pytest
from blockbuster import BlockingError

from graders.harness.blocking import LoopGuard, blocking_work
from graders.harness.learner import Learner
from graders.harness.probes import ThreadWatch

SOURCE = """
import asyncio
import time
from time import sleep


async def sleeps():
    time.sleep(0.01)


async def sleeps_imported_name():
    sleep(0.01)


async def swallows():
    try:
        time.sleep(0.01)
    except Exception:
        pass


async def in_thread():
    await asyncio.to_thread(time.sleep, 0.01)


def outside_the_loop():
    time.sleep(0.01)


async def joins(target):
    import threading

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()


async def logs():
    import logging

    logging.getLogger("learner").warning("a line in a file")
    print("and one on stdout")
"""


@pytest.fixture
def learner(tmp_path: Path):
    path = tmp_path / "learner.py"
    path.write_text(textwrap.dedent(SOURCE))
    guard = LoopGuard(path)
    with guard.active():
        subject = Learner(path, "learner.py", guard, ThreadWatch())
        subject.load()
        yield subject
        subject.unload()


@pytest.mark.asyncio
@pytest.mark.parametrize("name, line", [("sleeps", 8), ("sleeps_imported_name", 12)])
async def test_blocking_calls_on_the_loop_raise_and_are_recorded(learner: Learner, name: str, line: int) -> None:
    with pytest.raises(BlockingError):
        await learner.function(name)()
    [call] = learner.guard.take()
    assert (call.function, call.arguments, call.line) == ("time.sleep", "0.01", line)
    assert call.describe() == f"time.sleep(0.01) (line {line}: `{call.source}`)"


@pytest.mark.asyncio
async def test_a_swallowed_blocking_error_is_still_recorded(learner: Learner) -> None:
    await learner.function("swallows")()
    assert [c.line for c in learner.guard.take()] == [17]


@pytest.mark.asyncio
async def test_blocking_in_a_worker_thread_is_fine(learner: Learner) -> None:
    await learner.function("in_thread")()
    assert learner.guard.take() == []


@pytest.mark.asyncio
async def test_logging_and_print_are_fine(learner: Learner, tmp_path: Path) -> None:
    import logging

    handler = logging.FileHandler(tmp_path / "log.txt")  # set up outside the loop, as a program would
    logging.getLogger("learner").addHandler(handler)
    try:
        await learner.function("logs")()
    finally:
        logging.getLogger("learner").removeHandler(handler)
        handler.close()
    assert learner.guard.take() == []
    assert (tmp_path / "log.txt").read_text() == "a line in a file\n"


def test_blocking_outside_any_loop_is_fine(learner: Learner) -> None:
    learner.function("outside_the_loop", is_async=False)()
    assert learner.guard.take() == []


@pytest.mark.asyncio
async def test_only_the_learners_file_is_watched(learner: Learner) -> None:
    import time

    time.sleep(0.001)  # the grader's own code may block; only the learner's is judged
    assert learner.guard.take() == []


def _starts_work_once_joined(joiner: int) -> Callable[[], None]:
    """A thread's target that is not busy when the join begins (as a thread a crowded machine starts
    late), then runs a probe's job short enough to end within the join's grace."""

    def run() -> None:
        while not any(frame.f_code.co_name == "join" for frame in _stack(joiner)):
            time.sleep(0.001)
        with blocking_work():
            time.sleep(0.01)

    return run


def _stack(ident: int) -> list[FrameType]:
    frame, frames = sys._current_frames().get(ident), []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


@pytest.mark.asyncio
async def test_joining_a_thread_that_starts_a_job_meanwhile_blocks(learner: Learner) -> None:
    with pytest.raises(BlockingError):
        await learner.function("joins")(_starts_work_once_joined(threading.get_ident()))
    assert [c.source for c in learner.guard.take()] == ["thread.join()"]


@pytest.mark.asyncio
async def test_joining_a_thread_that_ends_at_once_without_a_job_is_fine(learner: Learner) -> None:
    await learner.function("joins")(lambda: time.sleep(0.005))
    assert learner.guard.take() == []
