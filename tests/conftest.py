"""Shared paths for the tests of the graders themselves, and the session's plugin (tests/background.py).

Kept light: the grading runs the session starts read this file too, since their targets live
under tests/; they need none of the session's machinery.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WRONG_ANSWERS = ROOT / "tests" / "wrong_answers"
CORRECT_ANSWERS = ROOT / "tests" / "correct_answers"

# Students' hand-ins, some with a conftest of their own: data for `aiolings grade`, never tests.
collect_ignore = ["submissions"]

# Tests marked `early` drive other processes (the installed command, tmux, a fork server's
# children) and mostly wait on them: each runs in a thread of its own as soon as collection
# ends, and is judged (its outcome raised again) when its turn comes. Tests marked
# `early(lane="name", threads=N)` are taken in their order by the lane's N threads. Meanwhile this
# process's other tests change the environment and the working folder, so an early test takes
# no fixture but `early_folder` (and its parameters), gives every process it starts
# ENVIRONMENT, and names paths in full.
ENVIRONMENT = dict(os.environ)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "early(lane=None, threads=1): run in a thread from the end of collection on (see tests/conftest.py)")
    if config.getoption("aiolings_report", None) is None:  # not one of the grading runs the session starts
        from . import background

        config.pluginmanager.register(background, "aiolings-tests-background")
