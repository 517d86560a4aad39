"""The `aiolings` command, through its entry point function, on a temporary copy of the course.

Commands run in this process, through graders.learn.cli.main (what the installed script calls): a
process per command would spend most of its time importing. test_version runs the installed
script itself; the grading each command starts runs in its own processes, as always.

Each command is given its folder, environment and terminal, so these tests need nothing of the
process's own: they run early (see tests/conftest.py), two at a time in a lane of their own,
beside the rest of the session. The few that read pytest's capture run in their turn.
"""

from __future__ import annotations

import contextvars
import io
import os
import shutil
import subprocess
import sys
import types
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.cells import cell_len

from graders import __version__, course, forkserver, i18n
from graders.learn import cli
from graders.learn.run import GradingFailed, Stage
from graders.harness.learner import _shareable
from graders.learn.progress import CACHE

from .conftest import ENVIRONMENT, ROOT, WRONG_ANSWERS

TOPICS = course.load().topics
CLI_LANE = pytest.mark.early(lane="cli", threads=2)


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str


# What the command would read of the session's environment: language and terminal come from each call.
CHOSEN_PER_CALL = ("AIOLINGS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "COLUMNS", "NO_COLOR")


def aiolings(*args: str, cwd: Path, terminal: bool = False, **env: str) -> Ran:
    """`aiolings *args` run in `cwd` with `env` on top of the session's environment: its exit code and
    output, as a learner sees them (`terminal`: escape codes and all, as a terminal gets them; else plain
    text, as in a pipe)."""
    environ = {**{k: v for k, v in ENVIRONMENT.items() if k not in CHOSEN_PER_CALL}, "LANG": "C.UTF-8", **env}
    out = io.StringIO()
    console = cli.new_console(environ, file=out, force_terminal=terminal or None)
    try:
        code = cli.main(list(args), here=cwd, environ=environ, console=console)
    except SystemExit as exit:  # argparse's own errors
        code = exit.code if isinstance(exit.code, int) else 2
    return Ran(code, out.getvalue())


def copy_course(folder: Path) -> Path:
    for name in ("exercises", "solutions"):
        shutil.copytree(ROOT / name, folder / name)
    for topic in TOPICS:  # a learner's clone holds the pristine stubs, whatever this checkout holds
        shutil.copyfile(topic.stub(), topic.exercise(folder))
    return folder


def solve(root: Path, spec: str) -> course.Topic:
    topic = course.load().find(spec)
    shutil.copyfile(topic.solution(root), topic.exercise(root))
    return topic


@CLI_LANE
def test_list_on_a_fresh_copy_needs_no_grading(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    done = aiolings(cwd=course_copy / "exercises")
    assert done.returncode == 0
    for topic in TOPICS:
        assert topic.title in done.stdout
    assert done.stdout.count("not started") == len(TOPICS)
    assert f"Progress: 0 of {len(TOPICS)} topics done." in done.stdout
    # Paths and commands to type from where the learner stands (exercises/).
    assert "fill in the TODOs in 01_coroutines/coroutines.py" in done.stdout and "pytest 01_coroutines)" in done.stdout
    assert not (course_copy / CACHE).exists()  # nothing was graded: a pristine stub is "not started"


@CLI_LANE
def test_list_grades_a_changed_topic_once_then_answers_from_the_cache(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    solve(course_copy, "1")
    first = aiolings("list", cwd=course_copy).stdout
    assert "✓ done" in first and f"Progress: 1 of {len(TOPICS)} topics done." in first
    assert "Next: 02 tasks" in first
    graded = (course_copy / CACHE).stat().st_mtime_ns
    again = aiolings("list", cwd=course_copy).stdout
    assert again == first
    assert (course_copy / CACHE).stat().st_mtime_ns == graded  # a cache hit grades nothing, so writes nothing


@CLI_LANE
def test_a_hand_edited_cache_cannot_mark_a_topic_done(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    topic = course.load().find("3")
    shutil.copyfile(WRONG_ANSWERS / topic.dir / "sequential_awaits.py", topic.exercise(course_copy))
    (course_copy / CACHE).parent.mkdir()
    (course_copy / CACHE).write_text('{"03_gather": {"key": "forged", "state": "done", "passed": 7, "total": 7}}')
    out = aiolings("list", cwd=course_copy).stdout
    assert "✗ failing" in out and f"Progress: 0 of {len(TOPICS)} topics done." in out


@CLI_LANE
def test_check_passes_on_a_solution_and_fails_on_a_wrong_answer(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
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


@CLI_LANE
def test_check_gives_pytest_s_verdict_to_code_that_logs(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    topic = course.load().find("3")
    shutil.copyfile(ROOT / "tests" / "correct_answers" / topic.dir / "logging_and_prints.py", topic.exercise(course_copy))
    passed = aiolings("check", "3", "--seed", "7", cwd=course_copy)
    assert passed.returncode == 0, passed.stdout  # tests/test_graders.py proves it under pytest, test_grade.py in grade


@CLI_LANE
def test_check_tells_each_cause_once(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    topic = course.load().find("3")
    shutil.copyfile(ROOT / "tests" / "bad_code" / topic.dir / "syntax_error.py", topic.exercise(course_copy))
    broken = aiolings("check", "3", cwd=course_copy)
    assert broken.returncode == 1
    assert broken.stdout.count("expected ':'") == 1 and broken.stdout.count("could not be loaded") == 1, broken.stdout
    assert "also the cause of: gather_all runs jobs concurrently" in broken.stdout
    stub = aiolings("check", "1", cwd=course_copy).stdout
    for name in ("greet", "countdown", "run"):  # one message per unwritten function, not one per grader
        assert stub.count(f"`{name}` is not written yet") == 1, stub


@CLI_LANE
def test_check_lists_the_graders_a_time_limit_left_not_run(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    gather = course.load().find("3")
    shutil.copyfile(ROOT / "tests" / "bad_code" / gather.dir / "spins_forever.py", gather.exercise(course_copy))
    checked = aiolings("check", "3", cwd=course_copy, PYTEST_ADDOPTS="--timeout=0.3")
    assert checked.returncode == 1 and "✗ 03 gather: 0 of 8 graders pass" in checked.stdout, checked.stdout
    assert "✗ gather_all returns results in argument order" in checked.stdout
    for grader in ("runs jobs concurrently", "lets a failure propagate"):  # not waited for again, not passed either
        assert f"– gather_all {grader} (not run: stopped after the first time limit)" in checked.stdout
    assert checked.stdout.count("still running after 0.3 s of real time") == 1
    assert "also the cause of: gather_all" not in checked.stdout  # listed as not run, not as failed for that cause
    assert "Checking" not in checked.stdout  # no line saying which grader runs: the output is not a terminal
    # In Chinese too: its sentences are read before the learner's code runs, not inside the time limit's alarm,
    # where reading them would count as a blocking call of the learner's.
    chinese = aiolings("--lang", "zh", "check", "3", cwd=course_copy, PYTEST_ADDOPTS="--timeout=0.3").stdout
    assert chinese.count("（未运行：第一次超过时间限制后已停下）") == 2 and "阻塞了事件循环" not in chinese, chinese


SHAREABLE = "import asyncio\nfrom time import sleep\nDELAYS = (0.5, (1, 2))\n\nasync def run(jobs, limit=3, *, names=('a',)):\n    pass\n"
UNSHAREABLE = {  # what one grader's calls could change for the next: each grader imports its own
    "a list": "seen = []\n",
    "a class of its own": "class Counter:\n    count = 0\n",
    "a mutable default": "def run(jobs, seen=[]):\n    pass\n",
    "a cache": "import functools\n\n@functools.cache\ndef run(n):\n    pass\n",
    "a closure": "def make():\n    seen = []\n    def run():\n        return seen\n    return run\n\nrun = make()\n",
    "a lock": "import asyncio\nlock = asyncio.Lock()\n",
}


@pytest.mark.parametrize("source", [SHAREABLE, *UNSHAREABLE.values()], ids=["shareable", *UNSHAREABLE])
def test_a_slow_module_is_shared_only_if_no_grader_can_change_it(source: str) -> None:
    module = types.ModuleType("aiolings_learner_0_shared")
    exec(compile(source, "shared.py", "exec"), module.__dict__)
    assert _shareable(module) is (source == SHAREABLE)


def test_the_line_saying_which_grader_runs_fits_one_row() -> None:
    gather = course.load().find("3")
    stage = Stage(f"exercises/{gather.dir}/{gather.module}::test_gather_all_runs_jobs_concurrently", 2, 7)
    wide = cli.status_line(gather, stage, cli.functions(gather), 4.2, width=140).plain
    assert wide == "Checking 03 gather: gather_all runs jobs concurrently (2 of 7) · 4 s"
    narrow = cli.status_line(gather, stage, cli.functions(gather), 4.2, width=40).plain
    assert cell_len(narrow) <= 38 and narrow.endswith("…") and wide.startswith(narrow[:-1])  # beside its spinner


@CLI_LANE
def test_check_names_a_slow_import_once_and_pays_for_it_once(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    gather = course.load().find("3")
    demo = "import time\n\nopen('imports.log', 'a').write('imported\\n')\ntime.sleep(0.8)\n"
    gather.exercise(course_copy).write_text(demo + gather.solution(ROOT).read_text())
    checked = aiolings("check", "3", "--verbose", cwd=course_copy)
    assert checked.returncode == 0, checked.stdout
    pytest_s, _, ours = checked.stdout.partition("8 passed in ")  # --verbose: pytest's own output, then the report
    for output in (pytest_s, ours):  # each says it once: the graders passed, so no failure's message did
        told = " ".join(output.split())
        assert told.count("Importing exercises/03_gather/gather.py took over 0.5 s") == 1, checked.stdout
        assert "most of it at line 4: `time.sleep(0.8)`" in told and 'under `if __name__ == "__main__":`' in told
    # Its module holds nothing one grader could change for the next: imported once for all seven graders.
    assert (course_copy / "imports.log").read_text() == "imported\n"


@CLI_LANE
def test_check_without_a_topic_takes_the_first_unfinished(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    solve(course_copy, "1")
    done = aiolings("check", cwd=course_copy)
    assert done.returncode == 1
    assert "02 tasks" in done.stdout and "is not written yet" in done.stdout


@CLI_LANE
def test_hints_are_revealed_one_at_a_time(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    hints = course.load().find("gather").hints
    first = aiolings("hint", "3", cwd=course_copy).stdout
    assert hints[0] in first and hints[1] not in first and "again for the next hint" in first
    second = aiolings("hint", "gather", cwd=course_copy).stdout
    assert hints[1] in second and "last hint" not in second
    for _ in hints[2:]:
        last = aiolings("hint", "3", cwd=course_copy).stdout
    assert hints[-1] in last and "again for the next hint" not in last
    assert "That was the last hint for 03 gather. `aiolings solution 3` shows the reference solution" in last
    everything = aiolings("hint", "03_gather", "--all", cwd=course_copy).stdout
    assert all(h in everything for h in hints)


@CLI_LANE
def test_a_hint_without_a_topic_is_for_the_first_unfinished(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    solve(course_copy, "1")
    shown = aiolings("hint", cwd=course_copy).stdout
    assert f"Hint 1/{len(TOPICS[1].hints)} for 02 tasks: {TOPICS[1].hints[0]}" in shown
    outside = aiolings("hint", cwd=course_copy.parent)
    assert outside.returncode == 2 and "which topic?" in outside.stdout


@CLI_LANE
def test_reset_restores_the_pristine_stub_and_keeps_a_backup(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    topic = solve(course_copy, "4")
    mine = topic.exercise(course_copy).read_bytes()
    done = aiolings("reset", "04", cwd=course_copy)
    assert done.returncode == 0
    assert topic.exercise(course_copy).read_bytes() == topic.stub().read_bytes()
    backups = list((course_copy / ".aiolings" / "backups").iterdir())
    assert [b.read_bytes() for b in backups] == [mine]
    assert os.path.relpath(backups[0], course_copy) in done.stdout


@CLI_LANE
def test_the_solution_is_shown_only_once_the_topic_passes(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
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


@CLI_LANE
def test_commands_act_on_the_topic_of_the_folder_they_run_in(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    gather = course.load().find("3")
    folder = course_copy / "exercises" / gather.dir
    (folder / "notes").mkdir()
    hint = aiolings("hint", cwd=folder / "notes").stdout
    assert f"for 03 gather: {gather.hints[0]}" in hint
    broken = (ROOT / "tests" / "bad_code" / gather.dir / "syntax_error.py").read_bytes()
    gather.exercise(course_copy).write_bytes(broken)
    checked = aiolings("check", cwd=folder / "notes")
    assert checked.returncode == 1 and "✗ 03 gather: 0 of" in checked.stdout
    # Every path it names is one to type from there: the file, the README, the next topic's folder.
    assert "../gather.py, line 4: expected ':'" in checked.stdout
    assert "`aiolings hint 3` gives a hint; ../README.md explains the topic." in checked.stdout
    listed = aiolings("list", cwd=folder).stdout
    assert "(or: pytest ../01_coroutines)" in listed and (folder / "../01_coroutines").is_dir()
    assert "Read ../01_coroutines/README.md" in listed
    hidden = aiolings("solution", cwd=folder)
    assert hidden.returncode == 1 and "Your version of 03 gather does not pass yet" in hidden.stdout

    reset = aiolings("reset", cwd=folder)
    assert reset.returncode == 0 and gather.exercise(course_copy).read_bytes() == gather.stub().read_bytes()
    [backup] = (course_copy / ".aiolings" / "backups").iterdir()
    assert f"saved in {os.path.relpath(backup, folder)}." in reset.stdout and backup.read_bytes() == broken
    restored = aiolings("restore", cwd=folder)
    assert restored.returncode == 0 and gather.exercise(course_copy).read_bytes() == broken
    assert "gather.py is back to your version saved in ../../.aiolings/backups/" in restored.stdout

    solve(course_copy, "3")
    shown = aiolings("solution", cwd=folder)
    assert shown.returncode == 0 and f"# ../../solutions/{gather.dir}/gather.py" in shown.stdout
    elsewhere = aiolings("reset", cwd=course_copy)
    assert elsewhere.returncode == 2 and "which topic?" in elsewhere.stdout


@CLI_LANE
def test_list_names_why_a_file_cannot_load(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    coroutines, tasks, gather = TOPICS[0], TOPICS[1], course.load().find("3")
    shutil.copyfile(ROOT / "tests" / "bad_code" / gather.dir / "syntax_error.py", gather.exercise(course_copy))
    coroutines.exercise(course_copy).write_text("import aiohtttp\n" + coroutines.stub().read_text())
    tasks.exercise(course_copy).write_text("print(undefined)\n" + tasks.stub().read_text())
    listed = aiolings("list", cwd=course_copy).stdout
    assert "✗ syntax error at line 4" in listed
    assert "✗ import error: no module aiohtttp" in listed
    assert "✗ NameError while importing" in listed
    assert "failing: 0/" not in listed
    again = aiolings("list", cwd=course_copy).stdout  # from the cache, which keeps the reason too
    assert again == listed
    chinese = aiolings("--lang", "zh", "list", cwd=course_copy).stdout
    assert "✗ 第 4 行有语法错误" in chinese and "✗ 导入错误：没有模块 aiohtttp" in chinese


@CLI_LANE
def test_output_fits_the_terminal(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    gather = course.load().find("3")
    shutil.copyfile(ROOT / "tests" / "bad_code" / gather.dir / "syntax_error.py", gather.exercise(course_copy))
    listed = aiolings("list", cwd=course_copy, COLUMNS="60").stdout
    rows = [line for line in listed.splitlines() if line.startswith("  ") and line[2:4].isdigit()]
    assert [row[2:4] for row in rows] == [f"{t.number:02d}" for t in TOPICS]  # no number column dropped
    assert sum("· not started  " in row for row in rows) == len(TOPICS) - 1  # no status cut ("not st…")
    assert "✗ syntax error at line 4  " in listed and "…" not in listed
    assert all(cell_len(line) <= 60 for line in listed.splitlines()), listed
    for lang in ("en", "zh"):  # by display width: a Chinese character takes two columns
        hints = aiolings("--lang", lang, "hint", "3", "--all", cwd=course_copy, COLUMNS="50").stdout
        assert all(cell_len(line) <= 50 for line in hints.splitlines()), hints
        assert len(hints.splitlines()) > 2 * len(gather.hints)
    shutil.copyfile(WRONG_ANSWERS / gather.dir / "sequential_awaits.py", gather.exercise(course_copy))
    checked = aiolings("check", "3", "--seed", "7", cwd=course_copy, COLUMNS="60").stdout
    charts = [line for line in checked.splitlines() if cli.CHART.search(line)]
    assert charts and all(cell_len(line) <= 60 for line in checked.splitlines() if line not in charts), checked
    assert "ran the jobs one after another" in checked.replace("\n", " ")
    piped = aiolings("hint", "3", cwd=course_copy).stdout  # a pipe: no terminal, no COLUMNS, lines kept whole
    assert gather.hints[0] in piped


@CLI_LANE
def test_no_color_is_respected(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    coloured = aiolings("list", cwd=course_copy, terminal=True).stdout
    assert "\x1b[2m" in coloured or "\x1b[3" in coloured  # dim or a colour: what NO_COLOR must take away
    plain = aiolings("list", cwd=course_copy, terminal=True, NO_COLOR="1").stdout
    assert not any(f"\x1b[{code}" in plain for code in ("30", "31", "32", "33", "34", "35", "36", "37", "38", "90"))


@CLI_LANE
def test_restore_brings_back_the_latest_backup(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    topic = TOPICS[0]
    nothing = aiolings("restore", "1", cwd=course_copy)
    assert nothing.returncode == 2 and "`aiolings reset 1` makes one" in nothing.stdout
    for version in ("first", "second"):
        topic.exercise(course_copy).write_text(f"# {version}\n" + topic.stub().read_text())
        assert aiolings("reset", "1", cwd=course_copy).returncode == 0
    topic.exercise(course_copy).write_text("# written after the reset\n")
    restored = aiolings("restore", "1", cwd=course_copy)
    assert restored.returncode == 0
    assert topic.exercise(course_copy).read_text().startswith("# second\n")
    assert "Your current version is saved in .aiolings/backups/" in restored.stdout  # nothing is lost
    kept = [p for p in (course_copy / ".aiolings" / "backups").iterdir() if "written after" in p.read_text()]
    assert len(kept) == 1
    again = aiolings("restore", "1", cwd=course_copy)  # still the latest that reset made, not restore's own copy
    assert again.returncode == 0 and "nothing to do" in again.stdout


@CLI_LANE
def test_the_solution_as_a_diff_against_a_passing_file(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    topic = TOPICS[0]
    refused = aiolings("solution", "1", "--diff", cwd=course_copy)
    assert refused.returncode == 1 and "does not pass yet" in refused.stdout
    solve(course_copy, "1")
    same = aiolings("solution", "1", "--diff", cwd=course_copy)
    assert same.returncode == 0 and "Your file is the same as the reference solution." in same.stdout
    mine = topic.exercise(course_copy)
    mine.write_text(mine.read_text() + "\n# my own note\n")
    diff = aiolings("solution", "1", "--diff", cwd=course_copy)
    assert diff.returncode == 0
    lines = diff.stdout.splitlines()
    assert f"--- exercises/{topic.dir}/{topic.module}" in lines and f"+++ solutions/{topic.dir}/{topic.module}" in lines
    assert "-# my own note" in lines and not any(line.startswith("+") and "note" in line for line in lines)


@CLI_LANE
def test_chinese_from_the_option_or_the_locale(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
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


def test_export_writes_each_platform_s_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # where the files it names are written, as for any program
    assert aiolings("export", "gradescope", cwd=tmp_path).returncode == 0
    assert zipfile.is_zipfile(tmp_path / "autograder.zip")
    source = "git+https://github.com/example/aiolings@0123abcd"
    assert aiolings("export", "classroom", "--source", source, cwd=tmp_path).returncode == 0
    assert source in (tmp_path / ".github" / "workflows" / "classroom.yml").read_text()  # what they hold: test_exports.py
    told = capsys.readouterr().out  # what the instructor reads; the test run itself shows none of it
    assert "Wrote autograder.zip: upload it" in told and "classroom.yml: commit it" in told


@CLI_LANE
def test_an_unknown_topic_is_a_clear_error(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    done = aiolings("hint", "99", cwd=course_copy)
    assert done.returncode == 2
    assert "no topic '99'; valid topics: 01_coroutines" in done.stdout


@CLI_LANE
def test_outside_a_course_it_says_so(early_folder: Path) -> None:
    listed = aiolings(cwd=early_folder)
    assert listed.returncode == 0 and "inside your copy of the course" in listed.stdout
    checked = aiolings("check", cwd=early_folder)
    assert checked.returncode == 2 and "not inside a copy of the aiolings course" in checked.stdout


KILLS_ITSELF = """import os, signal, sys

open("forked.log", "a").write(f"{'graders.learn.cli' in sys.modules}\\n")  # a fork of the command has imported it


async def gather_settled(jobs):
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.early  # a new `aiolings` process, as a learner starts it
def test_a_lone_check_grades_in_a_fork_of_itself_and_survives_code_that_kills_it(early_folder: Path) -> None:
    course_copy = copy_course(early_folder)
    gather = course.load().find("3")
    solution = gather.solution(course_copy).read_text()
    gather.exercise(course_copy).write_text(KILLS_ITSELF + solution.split("async def gather_settled")[0])
    command = [sys.executable, "-c", "from graders.learn.cli import main; raise SystemExit(main())", "check", "3"]
    done = subprocess.run(command, cwd=course_copy, env={**ENVIRONMENT, "LANG": "C.UTF-8"}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    assert set((course_copy / "forked.log").read_text().split()) == {"True"}  # no new Python: the command's own fork
    shown = " ".join(done.stdout.split())
    assert "✗ 03 gather: 3 of 8 graders pass" in shown and "✓ gather_all lets a failure propagate" in shown
    assert "✗ gather_settled returns exceptions in place" in shown
    assert "Your code ended the process that grades it while this grader ran (killed by SIGKILL)" in shown
    for grader in ("gather_settled runs jobs concurrently", "gather_limited never exceeds limit"):
        assert f"– {grader} (not run: the grading process had ended)" in shown


@pytest.mark.early
def test_version() -> None:
    """The installed console script itself: the one command here that goes through a new process."""
    script = Path(sys.executable).with_name("aiolings")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60, env=ENVIRONMENT)
    assert done.stdout.strip() == f"aiolings {__version__}"


@CLI_LANE
@pytest.mark.parametrize(("readme", "lang"), [("README.md", "en"), ("README.zh-CN.md", "zh")])
def test_the_readme_shows_what_check_really_prints(early_folder: Path, readme: str, lang: str) -> None:
    course_copy = copy_course(early_folder)
    # The READMEs show a whole `aiolings check` of a gather written as a loop of awaits: it must stay true.
    shutil.copyfile(WRONG_ANSWERS / "03_gather" / "sequential_awaits.py", course.load().find("3").exercise(course_copy))
    ran = aiolings("--lang", lang, "check", "3", "--aiolings-seed", "42", cwd=course_copy, COLUMNS="92")
    after = (ROOT / readme).read_text(encoding="utf-8").split("`aiolings check 3 --aiolings-seed 42`", 1)[1]
    shown = after.split("```\n", 1)[1].split("\n```", 1)[0]
    assert ran.returncode == 1 and ran.stdout.rstrip("\n") == shown


@pytest.mark.parametrize(("lang", "said"), [("en", "Learn asyncio by doing"), ("zh", "动手学 asyncio")])
def test_the_help_is_in_the_language_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               lang: str, said: str) -> None:
    assert aiolings("--lang", lang, "--help", cwd=tmp_path).returncode == 0
    shown = capsys.readouterr().out  # argparse prints its help itself
    assert said in shown and ("给一个主题评分" in shown) == (lang == "zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_grading_run_without_verdicts_is_told_without_a_traceback(lang: str) -> None:
    """The graders' own limits stop bad code; a run that outlasts its overall limit is aiolings' fault, and is told
    so in the learner's language, with none of pytest's output."""
    def told(failed: GradingFailed) -> str:
        def in_language() -> str:
            i18n.keep({"AIOLINGS_LANG": lang})
            return cli.no_verdict(failed)
        return contextvars.copy_context().run(in_language)

    stuck = told(GradingFailed("grading took over 120 s:\nTraceback (most recent call last): ...", limit=120))
    gone = told(GradingFailed("grading wrote no report:\n..."))
    assert "120" in stuck and "aiolings" in stuck.split(":", 1)[1] and "Traceback" not in stuck + gone
    assert ("--verbose" in stuck) and stuck != gone
    if lang == "zh":
        assert "评分" in stuck and "评分" in gone
