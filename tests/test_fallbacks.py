"""The learner's side without fork or SIGALRM, as on Windows (and partly macOS).

AIOLINGS_NO_FORK makes every grading run a new `python -m pytest` instead of a fork of the
server; AIOLINGS_NO_SIGALRM makes the per-grader time limit a watchdog thread. Forced here on
Linux, they must give the verdicts and messages the usual way gives.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graders import course
from graders.learn.run import Run
from graders.plugin import Watchdog

from .conftest import ENVIRONMENT, ROOT
from .test_cli import copy_course

FORCED = {"AIOLINGS_NO_FORK": "1", "AIOLINGS_NO_SIGALRM": "1"}
GATHER = course.load().find("3")


def graded(targets: list[Path], folder: Path, env: dict[str, str], *options: str) -> tuple[dict[str, str], str]:
    """Each grader's outcome on `targets` (by "folder-name::grader") from a plain `python -m pytest`, and its output."""
    report = folder / f"report-{len(list(folder.iterdir()))}.json"
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--aiolings-seed=11",
         f"--aiolings-report={report}", *options, *map(str, targets)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    return outcomes(json.loads(report.read_text(encoding="utf-8"))), ran.stdout


def outcomes(entries: list[dict[str, str]]) -> dict[str, str]:
    return {f"{Path(e['nodeid'].partition('::')[0]).parent.parent.name}::{e['nodeid'].partition('::')[2]}": e["outcome"]
            for e in entries}


@pytest.mark.early
def test_without_fork_or_alarm_grading_gives_the_usual_verdicts_and_still_ends_an_endless_loop(early_folder: Path) -> None:
    targets = []
    for name, source in (("stub", GATHER.stub()), ("solution", GATHER.solution(ROOT))):
        target = early_folder / name / GATHER.dir / GATHER.module  # a topic's folder, as exercises/03_gather is
        target.parent.mkdir(parents=True)
        shutil.copyfile(source, target)
        targets.append(target)
    # The usual way: a fork of the server.
    usual = Run([*map(str, targets), "--timeout=1"], cwd=ROOT, seed=11, inherit=ENVIRONMENT)
    endless = early_folder / "endless" / GATHER.dir / "spins_forever.py"  # named on the command line: graded as topic 03
    endless.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "tests" / "bad_code" / GATHER.dir / endless.name, endless)
    # One new Python for all three (each costs over a second of CPU to start): the endless loop's limit is theirs too.
    # After the first limit in gather_all, its next grader is not run: no second limit to wait out.
    spins = [Path(f"{endless}::{grader}") for grader in ("test_gather_all_runs_jobs_concurrently",
                                                         "test_gather_all_lets_a_failure_propagate")]
    # -rN: no short summary, whose lines repeat each failure's first line (in full where CI is set).
    forced, output = graded([*targets, *spins], early_folder, {**ENVIRONMENT, **FORCED}, "--timeout=1", "-rN")
    expected = {f"{r.target.split('/')[-3]}::{r.grader}": r.outcome for r in usual.results()}
    assert forced.pop("endless::test_gather_all_runs_jobs_concurrently") == "failed"
    assert forced.pop("endless::test_gather_all_lets_a_failure_propagate") == "failed"
    assert "still running after 1 s of real time" in output and "line 3: `while True:`" in output
    assert output.count("still running after 1 s") == 1 and "Not run: `gather_all` was stopped after the first" in output
    assert forced == expected and len(expected) >= 14, f"{forced} != {expected}"
    assert {v for k, v in expected.items() if k.startswith("stub::")} == {"failed"}
    assert {v for k, v in expected.items() if k.startswith("solution::")} == {"passed"}


@pytest.mark.early
def test_the_command_works_without_fork_or_alarm(early_folder: Path) -> None:
    """As on Windows: check and list grade through new Pythons; grade refuses, plainly."""
    course_copy = copy_course(early_folder)
    shutil.copyfile(GATHER.solution(ROOT), GATHER.exercise(course_copy))
    env = {**ENVIRONMENT, **FORCED, "LANG": "C.UTF-8"}

    def aiolings(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", "from graders.learn.cli import main; raise SystemExit(main())", *args]
        return subprocess.run(command, cwd=course_copy, env=env, capture_output=True, text=True, timeout=180)

    checked = aiolings("check", "3")  # `list` and `watch` grade through the same path
    assert checked.returncode == 0 and "✓ 03 gather" in checked.stdout, checked.stdout + checked.stderr
    refused = aiolings("grade", str(course_copy), "-o", str(course_copy / "grades"))
    assert refused.returncode == 2 and "grade the class on Linux" in refused.stderr
    assert not (course_copy / "grades").exists()


@pytest.mark.parametrize(("first", "then"), [(0.05, 0.3), (5.0, 0.3)])
def test_a_restarted_watchdog_rings_once_its_new_limit_has_passed(first: float, then: float) -> None:
    # The limit starts again as the learner's file loads (plugin._limit_from_now), from a generous
    # one for setting the grader up: time spent before that must not count, and the new limit,
    # shorter or longer, is the one that rings.
    # The case is a restart before the first limit has passed: on a crowded machine this thread may
    # not run again for longer than 0.05 s, and the first limit rings as it should. Then try again.
    for _ in range(20):
        rung: list[float] = []
        created = time.monotonic()
        dog = Watchdog(first, lambda signum, frame, rung=rung: rung.append(time.monotonic()))  # this try's own list
        restarted = time.monotonic()
        dog.restart(then)
        if time.monotonic() - created < first:
            break
        dog.cancel()
    else:
        pytest.fail(f"this thread never restarted the watchdog within {first} s of starting it")
    try:
        while not rung and time.monotonic() - restarted < 10:
            time.sleep(0.01)
    finally:
        dog.cancel()
    assert rung and then <= rung[0] - restarted < then + 2


@pytest.mark.early
def test_a_plain_pytest_run_ends_when_nothing_can_stop_the_learner_s_tasks(early_folder: Path) -> None:
    """Consumers that catch everything, GeneratorExit included, and wait again cannot be stopped: the grader drops
    them from its loop and keeps them from ever being closed again, off their loop (which used to spin), at the
    latest as the interpreter exits."""
    queues = course.load().find("9")
    target = early_folder / queues.dir / "catches_everything.py"  # named on the command line: graded as topic 09
    target.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "tests" / "wrong_answers" / queues.dir / "consumers_catch_everything.py", target)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--aiolings-seed=11",
         f"{target}::test_every_item_is_processed_exactly_once"],
        cwd=early_folder, env=ENVIRONMENT, capture_output=True, text=True, timeout=60,
    )
    assert ran.returncode == 1, ran.stdout[-3000:]
    assert "1 failed" in ran.stdout and "went back to `await queue.get()`" in " ".join(ran.stdout.split())
