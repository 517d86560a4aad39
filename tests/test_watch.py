"""`aiolings watch` in a real terminal: tmux runs it, the test saves a file and reads the screen."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graders import course

from .conftest import ENVIRONMENT
from .test_cli import copy_course, solve

DEADLINE = 20.0  # seconds for each thing to appear; the screen is polled, so a fast machine takes about two in all


@contextmanager
def terminal(course_copy: Path) -> Iterator[str]:
    if shutil.which("tmux") is None:  # a learner's fresh machine may lack it; .ci/run installs it
        pytest.skip("tmux is not installed: the terminal tests of `aiolings watch` need it")
    name = f"aiolings-watch-{os.getpid()}"
    command = f"cd {shlex.quote(str(course_copy))} && LANG=C.UTF-8 {shlex.quote(sys.executable)} -c " \
              "'from graders.cli import main; raise SystemExit(main())' watch; sleep 30"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "140", "-y", "50", command], check=True,
                   env={k: v for k, v in ENVIRONMENT.items() if k not in ("TMUX", "AIOLINGS_LANG")})
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def screen(name: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout


def wait_for(name: str, *texts: str, saving: Callable[[], None] | None = None) -> str:
    """Poll the screen until it shows all of `texts` at once (a report is drawn line by line);
    with `saving`, save again every second until then.

    A save that lands while watch is between two watchers (just after a check) is not seen,
    by design of any file watcher; a learner would simply save again, and so does the test.
    """
    end = time.monotonic() + DEADLINE
    next_save = time.monotonic()
    while time.monotonic() < end:
        if saving is not None and time.monotonic() >= next_save:
            saving()
            next_save = time.monotonic() + 1
        shown = screen(name)
        if all(text in shown for text in texts):
            return shown
        time.sleep(0.1)
    raise AssertionError(f"the screen never showed all of {texts!r}:\n{screen(name)}")


@pytest.mark.early  # tmux and the command run in processes of their own
@pytest.mark.timeout(90)
def test_saving_a_passing_file_turns_the_topic_green_and_shows_the_next(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    with terminal(course_copy) as screen_name:
        wait_for(screen_name, "Watching exercises/01_coroutines/coroutines.py")
        wait_for(screen_name, "✓ 01 coroutines: 6 of 6 graders pass", "Topic 01 coroutines passes", "Next up: 02 tasks",
                 saving=lambda: solve(course_copy, "1"))
        tasks = course.load().find("2").exercise(course_copy)
        # The report is longer than the screen: its last failure and the watch line are what stay in view.
        wait_for(screen_name, "`first_finished` is not written yet", "Watching exercises/02_tasks/tasks.py",
                 saving=lambda: tasks.write_text(tasks.read_text() + "\n# started\n"))
        subprocess.run(["tmux", "send-keys", "-t", screen_name, "C-c"], check=True)
        time.sleep(0.2)
        assert "Traceback" not in screen(screen_name)
