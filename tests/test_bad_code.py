"""Broken learner code gets a clear failure, never a hang, a crash of the run or a harness traceback."""

from __future__ import annotations

import pytest

from graders.learn.run import Result, Run

from .conftest import ENVIRONMENT, ROOT

FOLDER = "tests/bad_code/03_gather"
ORDER = "test_gather_all_returns_results_in_argument_order"
TIMING = "test_gather_all_runs_jobs_concurrently"

# file in FOLDER, the grader run on it, texts its failure message must contain
CASES = {
    "syntax_error": (ORDER, ["could not be loaded", "syntax_error.py, line 4: expected ':'", "async def gather_all(jobs)"]),
    "import_error": (ORDER, ["Importing", "line 2", "No module named 'aiohtttp'"]),
    "exits_at_import": (ORDER, ["called exit() while it was being imported"]),
    "loops_at_import": (ORDER, ["never finished", "ran for over 0.3 s", "line 1: `while True:`", 'if __name__ == "__main__":']),
    "missing_function": (ORDER, ["function `gather_all` is not defined in", "did you rename or delete it?"]),
    "sync_function": (ORDER, ["must be a coroutine function, defined with `async def`"]),
    "changed_signature": (ORDER, ["could not call `gather_all`", "Keep the parameters"]),
    "returns_nothing": (ORDER, ["returned None instead of a list of results", "`return`"]),
    "returns_coroutine": (TIMING, ["returned a Future instead of a list of results", "Put `await` in front of it"]),
    "raises": (ORDER, ["raised IndexError", "raises.py, line 6, in gather_all", "results[len(results)]"]),
    "spins_forever": (TIMING, ["still running after 0.3 s of real time", "line 3: `while True:`"]),
    "swallows_everything": (TIMING, ["still running after 0.3 s of real time", "line 4: `while True:`"]),
    "swallows_cancellation": (TIMING, ["still running after 0.3 s of real time"]),  # and the run goes on
    "spins_in_a_callback": (TIMING, ["still running after 0.3 s of real time", "busy in `spin`, line 5"]),  # and so on
    "awaits_forever": (TIMING, ["still running after 600 s of loop time"]),
    "kills_its_process": (ORDER, ["ended the process that grades it while this grader ran (killed by SIGKILL)",
                                  "no os._exit()"]),
    "waits_forever": (TIMING, ["still running after 600 s of loop time"]),
}


ENDLESS = {"spins_forever", "swallows_everything", "swallows_cancellation", "spins_in_a_callback", "loops_at_import"}
ALONE = {"kills_its_process"}  # it ends its run: whatever shared the run would not be graded


def start() -> list[Run]:
    """The runs this module judges; tests/conftest.py starts them with the session, to overlap the rest.

    Each endless loop gets a 0.3 s limit in a process of its own, so no other case can hit it and
    they wait side by side. The limit counts from the moment the learner's file loads: setting a
    grader up took 0.03 s at most here with six CPU burners, yet over 0.3 s once on a crowded CI.
    """
    def run(names: list[str], *limit: str) -> Run:
        return Run([*limit, *(f"{FOLDER}/{n}.py::{CASES[n][0]}" for n in names)], cwd=ROOT, inherit=ENVIRONMENT,
                   env={"AIOLINGS_LANG": "en"})

    return [*(run([n], "--timeout=0.3") for n in sorted(ENDLESS)), *(run([n]) for n in sorted(ALONE)),
            run([n for n in CASES if n not in ENDLESS | ALONE])]


@pytest.fixture(scope="module")
def results(bad_code: list[Run]) -> dict[str, Result]:
    return {r.target.rsplit("/", 1)[-1].removesuffix(".py"): r for run in bad_code for r in run.results()}


@pytest.mark.parametrize("name", CASES)
def test_bad_code_fails_clearly(results: dict[str, Result], name: str) -> None:
    result = results[name]
    assert result.outcome == "failed", f"{name}: {result.outcome}\n{result.message}"
    for text in CASES[name][1]:
        assert text in result.message, f"{name} should say {text!r}:\n{result.message}"
    for harness in ("Traceback", "graders/", "site-packages", "During handling"):
        assert harness not in result.message, f"{name} shows harness internals ({harness}):\n{result.message}"
