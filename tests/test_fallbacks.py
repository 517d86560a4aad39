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
from pathlib import Path

import pytest

from graders import course

from .conftest import ENVIRONMENT, ROOT
from .test_cli import copy_course

FORCED = {"AIOLINGS_NO_FORK": "1", "AIOLINGS_NO_SIGALRM": "1"}
GATHER = course.load().find("3")


def graded(target: Path, folder: Path, env: dict[str, str], *options: str) -> tuple[dict[str, str], str]:
    """Each grader's outcome on `target` from a plain `python -m pytest`, and pytest's output."""
    report = folder / f"report-{len(list(folder.iterdir()))}.json"
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--aiolings-seed=11",
         f"--aiolings-report={report}", *options, str(target)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    entries = json.loads(report.read_text(encoding="utf-8"))
    return {e["nodeid"].partition("::")[2]: e["outcome"] for e in entries}, ran.stdout


@pytest.mark.early
def test_without_fork_or_alarm_the_stub_and_the_solution_get_the_same_verdicts(early_folder: Path) -> None:
    for name, source in (("stub", GATHER.stub()), ("solution", GATHER.solution(ROOT))):
        target = early_folder / name / GATHER.dir / GATHER.module  # a topic's folder, as exercises/03_gather is
        target.parent.mkdir(parents=True)
        shutil.copyfile(source, target)
        usual, _ = graded(target, early_folder, ENVIRONMENT)
        forced, _ = graded(target, early_folder, {**ENVIRONMENT, **FORCED})
        assert forced == usual and len(usual) >= 7, f"{name}: {forced} != {usual}"
        assert set(usual.values()) == {"failed" if name == "stub" else "passed"}


@pytest.mark.early
def test_without_alarm_an_endless_loop_still_ends_with_the_time_limit(early_folder: Path) -> None:
    endless = ROOT / "tests" / "bad_code" / GATHER.dir / "spins_forever.py"
    outcomes, output = graded(endless, early_folder, {**ENVIRONMENT, **FORCED}, "--timeout=0.3",
                              "-k", "test_gather_all_runs_jobs_concurrently")
    assert outcomes == {"test_gather_all_runs_jobs_concurrently": "failed"}
    assert "still running after 0.3 s of real time" in output and "line 3: `while True:`" in output


@pytest.mark.early
def test_the_command_works_without_fork_or_alarm(early_folder: Path) -> None:
    """As on Windows: check and list grade through new Pythons; grade refuses, plainly."""
    course_copy = copy_course(early_folder)
    shutil.copyfile(GATHER.solution(ROOT), GATHER.exercise(course_copy))
    env = {**ENVIRONMENT, **FORCED, "LANG": "C.UTF-8"}

    def aiolings(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", "from graders.cli import main; raise SystemExit(main())", *args]
        return subprocess.run(command, cwd=course_copy, env=env, capture_output=True, text=True, timeout=180)

    checked = aiolings("check", "3")
    assert checked.returncode == 0 and "✓ 03 gather" in checked.stdout, checked.stdout + checked.stderr
    listed = aiolings("list")
    assert listed.returncode == 0 and "✓ done" in listed.stdout, listed.stdout + listed.stderr
    refused = aiolings("grade", str(course_copy), "-o", str(course_copy / "grades"))
    assert refused.returncode == 2 and "grade the class on Linux" in refused.stderr
    assert not (course_copy / "grades").exists()
