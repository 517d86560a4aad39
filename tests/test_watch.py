"""`aiolings watch` in a real terminal: tmux runs it, the test saves a file and reads the screen."""

from __future__ import annotations

import io
import itertools
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
from graders.learn import keys
from graders.learn.watch import BAR

from .conftest import ENVIRONMENT
from .test_cli import copy_course, solve

DEADLINE = 20.0  # seconds for each thing to appear; the screen is polled, so a fast machine takes about two in all
# Between two looks at the screen: each look is a tmux client's run, and the three sessions made
# some 300 of them at 0.1 s, a second of CPU taken from the runs that share both cores.
POLL = 0.25
SESSIONS = itertools.count()  # numbers for tmux sessions' names
# A tmux server of this session's own, on its own socket and without the user's configuration: a
# server another run left behind (a killed CI run, the developer's own tmux) would give its
# sessions its own environment and settings. It exits with its last session.
TMUX = ["tmux", "-L", f"aiolings-tests-{os.getpid()}", "-f", os.devnull]


@contextmanager
def terminal(course_copy: Path, *options: str, folder: Path | None = None, **environment: str) -> Iterator[str]:
    """`aiolings watch` in a tmux session, run in `folder` (default: the course's) with `environment` added."""
    if shutil.which("tmux") is None:  # a learner's fresh machine may lack it; .ci/run installs it
        pytest.skip("tmux is not installed: the terminal tests of `aiolings watch` need it")
    name = f"aiolings-watch-{os.getpid()}-{next(SESSIONS)}"  # one per test: early tests run side by side
    # In the command itself as well: the server keeps the environment of the first session's start.
    variables = " ".join(f"{key}={shlex.quote(value)}" for key, value in {"LANG": "C.UTF-8", **environment}.items())
    command = f"cd {shlex.quote(str(folder or course_copy))} && {variables} {shlex.quote(sys.executable)} -c " \
              f"'from graders.learn.cli import main; raise SystemExit(main())' watch {' '.join(options)}; " \
              "echo aiolings exited: $?; sleep 30"
    subprocess.run([*TMUX, "new-session", "-d", "-s", name, "-x", "140", "-y", "50", command], check=True,
                   env={k: v for k, v in ENVIRONMENT.items() if k not in ("TMUX", "AIOLINGS_LANG")})
    try:
        yield name
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)


def screen(name: str) -> str:
    return subprocess.run([*TMUX, "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout


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
        time.sleep(POLL)
    raise AssertionError(f"the screen never showed all of {texts!r}:\n{screen(name)}")


@pytest.mark.early  # tmux and the command run in processes of their own
@pytest.mark.timeout(90)
def test_saving_a_passing_file_turns_the_topic_green_and_shows_the_next(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    with terminal(course_copy) as screen_name:
        wait_for(screen_name, "Watching exercises/01_coroutines/coroutines.py")
        wait_for(screen_name, "✓ 01 coroutines: 6 of 6 graders pass", "Topic 01 coroutines passes", "Next up: 02 tasks",
                 saving=lambda: solve(course_copy, "1"))
        # The opening of the next topic's README and its file; the summary, with its bar of topics done.
        wait_for(screen_name, "02 · tasks: create_task and asyncio.wait", "`await job()` runs a job and waits for it",
                 "Open exercises/02_tasks/tasks.py", f"{bar(1)} 1 of {len(course.load().topics)} topics done")
        tasks = course.load().find("2").exercise(course_copy)
        # The report is longer than the screen: its last failure and the watch line are what stay in view.
        wait_for(screen_name, "`first_finished` is not written yet", "Watching exercises/02_tasks/tasks.py",
                 saving=lambda: tasks.write_text(tasks.read_text() + "\n# started\n"))
        subprocess.run([*TMUX, "send-keys", "-t", screen_name, "C-c"], check=True)
        time.sleep(0.2)
        assert "Traceback" not in screen(screen_name)


LIMIT = 2  # seconds of real time per grader below, through pytest's own --timeout: a learner's is 10
# Never returns: the grader's alarm stops it as it stops a spinning loop, and what watch shows is the
# same. It waits rather than spins, which would burn a core for the whole limit in every run of the tests.
STUCK = "import signal\n\n\nasync def gather_all(jobs):\n    while True:\n        signal.pause()\n"


@pytest.mark.early
@pytest.mark.timeout(90)
def test_watch_shows_the_grader_running_and_waits_out_an_endless_loop_once(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    gather = course.load().find("3")
    target = gather.exercise(course_copy)
    # --manual: one check, on `r`, where a save seen late would start a second one.
    with terminal(course_copy, "--manual", folder=target.parent, PYTEST_ADDOPTS=f"--timeout={LIMIT}") as name:
        wait_for(name, "Next up: 03 gather", "gather.py: press r to check it.")
        target.write_text(STUCK)
        press(name, "r")
        running = "Checking 03 gather: gather_all returns results in argument order (1 of 8)"
        wait_for(name, running)
        started = time.monotonic()  # the first grader has started: its limit runs from its loading the file
        wait_for(name, f"{running} · ")  # the line is redrawn while the grader runs: its seconds count up
        shown = wait_for(name, "✗ 03 gather: 0 of 8 graders pass", "gather.py: press r to check it.")
        # One limit for all three graders of gather_all, not one each: the first is stopped, the others not run.
        assert time.monotonic() - started <= LIMIT + 2, shown
        assert shown.count("(not run: stopped after the first time limit)") == 2, shown
        assert "Checking 03 gather" not in shown  # the line goes once the verdict is in


def bar(done: int) -> str:
    filled = round(BAR * done / len(course.load().topics))
    return "█" * filled + "░" * (BAR - filled)


def press(name: str, key: str) -> None:
    subprocess.run([*TMUX, "send-keys", "-t", name, key], check=True)


@pytest.mark.early
@pytest.mark.timeout(120)
def test_each_key_does_what_it_says(early_folder: Path) -> None:
    """In --manual mode, so that only `r` checks: h hint, l list, s and n once the topic passes, q quit."""
    course_copy = copy_course(early_folder)
    coroutines = course.load().find("1")
    hints = coroutines.hints
    with terminal(course_copy, "--manual") as name:
        wait_for(name, "Next up: 01 coroutines", "exercises/01_coroutines/coroutines.py: press r to check it.",
                 "Keys: h hint · l list · r check again · q quit")
        press(name, "h")
        wait_for(name, f"Hint 1/{len(hints)} for 01 coroutines", "Press h again for the next hint.")
        press(name, "l")
        shown = wait_for(name, "02  · not started", "10  · not started")
        assert "Hint 1/" not in shown  # the screen is cleared before each drawing
        press(name, "s")
        wait_for(name, "01 coroutines does not pass yet: n (the next topic) and s (its solution) wait")
        solve(course_copy, "1")
        time.sleep(1.0)  # time enough for the save to be seen, and (were it not --manual) to start a check
        press(name, "h")
        shown = wait_for(name, f"Hint 2/{len(hints)} for 01 coroutines")
        assert "02  · not started" not in shown and "graders pass" not in shown  # the save alone checked nothing
        press(name, "r")
        wait_for(name, "✓ 01 coroutines: 6 of 6 graders pass", "Press n for the next topic, s for its reference solution.",
                 "Keys: n next topic · s solution")
        press(name, "s")
        defined = next(line for line in coroutines.solution(course_copy).read_text().splitlines() if line.startswith("async def"))
        wait_for(name, "# solutions/01_coroutines/coroutines.py", defined)
        press(name, "n")
        wait_for(name, "Next up: 02 tasks", "exercises/02_tasks/tasks.py: press r to check it.")
        press(name, "r")
        wait_for(name, "`first_finished` is not written yet")
        press(name, "q")
        shown = wait_for(name, "aiolings exited: 0")
        assert "Traceback" not in shown


def test_without_a_terminal_there_are_no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("hq"))  # a pipe: watch goes on with saves alone
    with keys.reading(lambda key: pytest.fail(f"read {key!r} from a pipe")) as reading:
        assert reading is False


def test_arrow_keys_are_not_commands() -> None:
    assert keys._plain_keys("h\x1b[Al\x1bOBq") == ["h", "l", "q"]
