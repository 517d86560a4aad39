"""The `aiolings` command, through its real entry point."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graders import __version__, course

from .conftest import ROOT


def aiolings(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from graders.cli import main; raise SystemExit(main())", *args],
        cwd=cwd, capture_output=True, text=True, timeout=30,
    )


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    return tmp_path


def test_list_shows_every_topic_and_where_to_start(course_copy: Path) -> None:
    out = aiolings("list", cwd=course_copy / "exercises").stdout
    for topic in course.load().topics:
        assert topic.title in out
    assert "pytest exercises/01_coroutines" in out
    assert "03_gather/gather.py" in out


def test_hints_are_revealed_one_at_a_time(course_copy: Path) -> None:
    hints = course.load().find("gather").hints
    first = aiolings("hint", "3", cwd=course_copy).stdout
    assert hints[0] in first and hints[1] not in first and "again for the next hint" in first
    second = aiolings("hint", "gather", cwd=course_copy).stdout
    assert hints[1] in second
    everything = aiolings("hint", "03_gather", "--all", cwd=course_copy).stdout
    assert all(h in everything for h in hints)


def test_an_unknown_topic_is_a_clear_error(course_copy: Path) -> None:
    done = aiolings("hint", "99", cwd=course_copy)
    assert done.returncode == 2
    assert "no topic '99'; valid topics: 01_coroutines" in done.stderr


def test_version() -> None:
    assert aiolings("--version", cwd=ROOT).stdout.strip() == f"aiolings {__version__}"
