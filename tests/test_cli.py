"""The `aiolings` command, through its entry point function, on a temporary copy of the course.

Commands run in this process, through graders.cli.main (what the installed script calls): a
process per command would spend most of its time importing. test_version runs the installed
script itself; the grading each command starts runs in its own processes, as always.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console

from graders import __version__, cli, course, forkserver
from graders.progress import CACHE

from .conftest import ENVIRONMENT, ROOT, WRONG_ANSWERS

TOPICS = course.load().topics


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str


Aiolings = Callable[..., Ran]


@pytest.fixture
def aiolings(monkeypatch: pytest.MonkeyPatch) -> Aiolings:
    """`aiolings(*args, cwd=..., **environment)`: the command's exit code and output, as a learner sees them."""

    def run(*args: str, cwd: Path, **env: str) -> Ran:
        with monkeypatch.context() as patch:
            for name in ("AIOLINGS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
                # Set before deleting, so that leaving the context removes what the command set (--lang does).
                patch.setenv(name, "")
                patch.delenv(name)
            for name, value in {"LANG": "C.UTF-8", **env}.items():
                patch.setenv(name, value)
            patch.chdir(cwd)
            out = io.StringIO()
            patch.setattr(cli, "console", Console(file=out, highlight=False, soft_wrap=True))  # plain text, as in a pipe
            try:
                code = cli.main(list(args))
            except SystemExit as exit:  # argparse's own errors
                code = exit.code if isinstance(exit.code, int) else 2
            return Ran(code, out.getvalue())

    return run


def copy_course(folder: Path) -> Path:
    for name in ("exercises", "solutions"):
        shutil.copytree(ROOT / name, folder / name)
    for topic in TOPICS:  # a learner's clone holds the pristine stubs, whatever this checkout holds
        shutil.copyfile(topic.stub(), topic.exercise(folder))
    return folder


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    return copy_course(tmp_path)


def solve(root: Path, spec: str) -> course.Topic:
    topic = course.load().find(spec)
    shutil.copyfile(topic.solution(root), topic.exercise(root))
    return topic


def test_list_on_a_fresh_copy_needs_no_grading(aiolings: Aiolings, course_copy: Path) -> None:
    done = aiolings(cwd=course_copy / "exercises")
    assert done.returncode == 0
    for topic in TOPICS:
        assert topic.title in done.stdout
    assert done.stdout.count("not started") == len(TOPICS)
    assert f"Progress: 0 of {len(TOPICS)} topics done." in done.stdout
    assert "01_coroutines/coroutines.py" in done.stdout and "pytest exercises/01_coroutines" in done.stdout
    assert not (course_copy / CACHE).exists()  # nothing was graded: a pristine stub is "not started"


def test_list_grades_a_changed_topic_once_then_answers_from_the_cache(aiolings: Aiolings, course_copy: Path) -> None:
    solve(course_copy, "1")
    first = aiolings("list", cwd=course_copy).stdout
    assert "✓ done" in first and f"Progress: 1 of {len(TOPICS)} topics done." in first
    assert "Next: 02 tasks" in first
    graded = (course_copy / CACHE).stat().st_mtime_ns
    again = aiolings("list", cwd=course_copy).stdout
    assert again == first
    assert (course_copy / CACHE).stat().st_mtime_ns == graded  # a cache hit grades nothing, so writes nothing


def test_a_hand_edited_cache_cannot_mark_a_topic_done(aiolings: Aiolings, course_copy: Path) -> None:
    topic = course.load().find("3")
    shutil.copyfile(WRONG_ANSWERS / topic.dir / "sequential_awaits.py", topic.exercise(course_copy))
    (course_copy / CACHE).parent.mkdir()
    (course_copy / CACHE).write_text('{"03_gather": {"key": "forged", "state": "done", "passed": 7, "total": 7}}')
    out = aiolings("list", cwd=course_copy).stdout
    assert "✗ failing" in out and f"Progress: 0 of {len(TOPICS)} topics done." in out


def test_check_passes_on_a_solution_and_fails_on_a_wrong_answer(aiolings: Aiolings, course_copy: Path) -> None:
    solve(course_copy, "gather")
    passed = aiolings("check", "3", cwd=course_copy)
    assert passed.returncode == 0, passed.stdout
    assert "✓ 03 gather" in passed.stdout and "gather_all runs jobs concurrently" in passed.stdout

    topic = course.load().find("3")
    shutil.copyfile(WRONG_ANSWERS / topic.dir / "sequential_awaits.py", topic.exercise(course_copy))
    failed = aiolings("check", "gather", "--seed", "7", cwd=course_copy)
    assert failed.returncode == 1
    assert "✗ gather_all runs jobs concurrently" in failed.stdout
    assert "ran the jobs one after another" in failed.stdout and "job 0 |" in failed.stdout
    assert "Traceback" not in failed.stdout
    assert failed.stdout.count("Stuck? `aiolings hint 3`") == 1  # said once, after all three failures


def test_check_gives_pytest_s_verdict_to_code_that_logs(aiolings: Aiolings, course_copy: Path) -> None:
    topic = course.load().find("3")
    shutil.copyfile(ROOT / "tests" / "correct_answers" / topic.dir / "logging_and_prints.py", topic.exercise(course_copy))
    passed = aiolings("check", "3", "--seed", "7", cwd=course_copy)
    assert passed.returncode == 0, passed.stdout  # tests/test_graders.py proves it under pytest, test_grade.py in grade


def test_check_tells_each_cause_once(aiolings: Aiolings, course_copy: Path) -> None:
    topic = course.load().find("3")
    shutil.copyfile(ROOT / "tests" / "bad_code" / topic.dir / "syntax_error.py", topic.exercise(course_copy))
    broken = aiolings("check", "3", cwd=course_copy)
    assert broken.returncode == 1
    assert broken.stdout.count("expected ':'") == 1 and broken.stdout.count("could not be loaded") == 1, broken.stdout
    assert "also the cause of: gather_all runs jobs concurrently" in broken.stdout
    stub = aiolings("check", "1", cwd=course_copy).stdout
    for name in ("greet", "countdown", "run"):  # one message per unwritten function, not one per grader
        assert stub.count(f"`{name}` is not written yet") == 1, stub


def test_check_without_a_topic_takes_the_first_unfinished(aiolings: Aiolings, course_copy: Path) -> None:
    solve(course_copy, "1")
    done = aiolings("check", cwd=course_copy)
    assert done.returncode == 1
    assert "02 tasks" in done.stdout and "is not written yet" in done.stdout


def test_hints_are_revealed_one_at_a_time(aiolings: Aiolings, course_copy: Path) -> None:
    hints = course.load().find("gather").hints
    first = aiolings("hint", "3", cwd=course_copy).stdout
    assert hints[0] in first and hints[1] not in first and "again for the next hint" in first
    second = aiolings("hint", "gather", cwd=course_copy).stdout
    assert hints[1] in second
    everything = aiolings("hint", "03_gather", "--all", cwd=course_copy).stdout
    assert all(h in everything for h in hints)


def test_reset_restores_the_pristine_stub_and_keeps_a_backup(aiolings: Aiolings, course_copy: Path) -> None:
    topic = solve(course_copy, "4")
    mine = topic.exercise(course_copy).read_bytes()
    done = aiolings("reset", "04", cwd=course_copy)
    assert done.returncode == 0
    assert topic.exercise(course_copy).read_bytes() == topic.stub().read_bytes()
    backups = list((course_copy / ".aiolings" / "backups").iterdir())
    assert [b.read_bytes() for b in backups] == [mine]
    assert os.path.relpath(backups[0], course_copy) in done.stdout


def test_the_solution_is_shown_only_once_the_topic_passes(aiolings: Aiolings, course_copy: Path) -> None:
    topic = course.load().find("1")
    hidden = aiolings("solution", "1", cwd=course_copy)
    assert hidden.returncode == 1 and "does not pass yet" in hidden.stdout
    assert "asyncio.run" not in hidden.stdout
    forced = aiolings("solution", "1", "--force", cwd=course_copy)
    assert forced.returncode == 0 and "--force" in forced.stdout
    assert topic.solution(course_copy).read_text() in forced.stdout
    solve(course_copy, "1")
    shown = aiolings("solution", "1", cwd=course_copy)
    assert shown.returncode == 0 and topic.solution(course_copy).read_text() in shown.stdout


def test_chinese_from_the_option_or_the_locale(aiolings: Aiolings, course_copy: Path) -> None:
    gather = course.load().find("gather")
    listed = aiolings("--lang", "zh", cwd=course_copy).stdout
    assert "aiolings：asyncio，一次学一个主题。" in listed and gather.title_zh in listed and "未开始" in listed
    assert "README.zh-CN.md" in listed
    hint = aiolings("hint", "3", cwd=course_copy, LANG="zh_CN.UTF-8").stdout
    assert gather.hints_zh[0] in hint
    shutil.copyfile(WRONG_ANSWERS / gather.dir / "sequential_awaits.py", gather.exercise(course_copy))
    checked = aiolings("--lang", "zh", "check", "3", "--seed", "7", cwd=course_copy).stdout
    assert "你的代码做了什么" in checked and "可以试试" in checked and "README.zh-CN.md" in checked
    assert "`gather_all` 把任务一个接一个地运行了" in checked and "检查时仍在运行" in checked  # topic 03's own sentences


@pytest.mark.early  # pytest runs in a child of the fork server
def test_plain_pytest_speaks_the_locale_language(early_folder: Path) -> None:
    environment = {k: v for k, v in ENVIRONMENT.items() if k not in ("AIOLINGS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    output = early_folder / "pytest.out"
    run = forkserver.start(["-q", "-p", "no:cacheprovider", "exercises/03_gather"], cwd=copy_course(early_folder),
                           env={**environment, "LANG": "zh_CN.UTF-8"}, output=output)
    assert run.wait(timeout=60) == 1
    shown = output.read_text(encoding="utf-8")
    assert "`gather_all` 还没有写" in shown and "卡住了？" in shown


def test_export_writes_each_platform_s_files(aiolings: Aiolings, tmp_path: Path) -> None:
    assert aiolings("export", "gradescope", cwd=tmp_path).returncode == 0
    assert zipfile.is_zipfile(tmp_path / "autograder.zip")
    source = "git+https://github.com/example/aiolings@0123abcd"
    assert aiolings("export", "classroom", "--source", source, cwd=tmp_path).returncode == 0
    assert source in (tmp_path / ".github" / "workflows" / "classroom.yml").read_text()  # what they hold: test_exports.py


def test_an_unknown_topic_is_a_clear_error(aiolings: Aiolings, course_copy: Path) -> None:
    done = aiolings("hint", "99", cwd=course_copy)
    assert done.returncode == 2
    assert "no topic '99'; valid topics: 01_coroutines" in done.stdout


def test_outside_a_course_it_says_so(aiolings: Aiolings, tmp_path: Path) -> None:
    listed = aiolings(cwd=tmp_path)
    assert listed.returncode == 0 and "inside your copy of the course" in listed.stdout
    checked = aiolings("check", cwd=tmp_path)
    assert checked.returncode == 2 and "not inside a copy of the aiolings course" in checked.stdout


@pytest.mark.early
def test_version() -> None:
    """The installed console script itself: the one command here that goes through a new process."""
    script = Path(sys.executable).with_name("aiolings")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60, env=ENVIRONMENT)
    assert done.stdout.strip() == f"aiolings {__version__}"
