"""Run graders in a separate pytest process (see forkserver) and read back each grader's outcome and message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import forkserver
from ..i18n import sentences, tr


@dataclass(frozen=True)
class Result:
    target: str  # the graded file, as pytest names it (relative to the run's folder)
    grader: str  # the grader test's name
    outcome: str  # "passed", "failed", "error" or "skipped": only "passed" counts as passed
    message: str
    same_cause_as: str = ""  # the grader of the same file whose message told this failure's cause in full
    cause: str = ""  # what failed it, when the grader named a cause ("load syntax 4", "todo gather_all", ...)
    not_run: str = ""  # why the grader did not run the learner's code, when it did not ("stopped after the first time limit")
    note: str = ""  # what the run had to tell besides the verdict (a slow import), when no failure's message told it


class GradingFailed(RuntimeError):
    """A grading run that ended without verdicts: stopped at its overall limit (`limit`, in seconds), or gone without
    writing its report (`limit` None). The message carries the end of pytest's output, for the project's tests."""

    def __init__(self, message: str, *, limit: float | None = None) -> None:
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True)
class Stage:
    """How far a run has got."""

    grader: str  # the grader running now, as pytest names it ("" before the first starts)
    started: int  # graders started so far, that one included
    total: int  # graders collected (0 until collection is over)


class Run:
    """One pytest process grading the files or folders in `args`; start several to use every core.

    Its environment is `env` on top of `inherit` (by default this process's environment, as it is now);
    `preload` names the graders' modules it needs (see forkserver.start)."""

    def __init__(self, args: Sequence[str], *, cwd: Path, seed: int | None = None, env: dict[str, str] | None = None,
                 lone: bool = False, inherit: Mapping[str, str] | None = None, preload: Sequence[str] = ()) -> None:
        self.report, self.log = _scratch(".json"), _scratch(".log")
        self.progress = self.report.with_suffix(".progress")  # written by the plugin (plugin.ReportWriter)
        # Graders fail with messages of their own, read from the report: assertion rewriting, anyio's plugin and
        # pytest's account of each failure (the log keeps a line each) only cost time.
        options = ["-q", "-p", "no:cacheprovider", "-p", "no:anyio", "--assert=plain", "--tb=line", f"--aiolings-report={self.report}"]
        if seed is not None:
            options.append(f"--aiolings-seed={seed}")
        environment = {**(os.environ if inherit is None else inherit), **(env or {})}
        self.process = forkserver.start([*options, *args], cwd=cwd, env=environment, output=self.log,
                                        lone=lone, preload=preload)  # a run the caller starts alone: see forkserver.start
        self.output = ""

    def wait(self, timeout: float | None = None) -> bool:
        """Whether the run has ended, waiting up to `timeout` seconds for it. Interrupted (Ctrl-C), it
        is stopped: nobody waits for it any more, and a lone run is not in the terminal's reach."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        except BaseException:
            self.close()
            raise
        return True

    def stage(self) -> Stage:
        events = self._events()
        started = [e for e in events if isinstance(e, str)]
        total = next((len(e["graders"]) for e in events if isinstance(e, dict) and "graders" in e), 0)
        return Stage(started[-1] if started else "", len(started), total)

    def results(self, timeout: float = 120) -> list[Result]:
        """Wait for the run; raise GradingFailed, with pytest's output, if it produced no report."""
        if not self.wait(timeout):
            self.close()
            raise GradingFailed(f"grading took over {timeout:g} s:\n{self.output[-3000:]}", limit=timeout)
        self._collect_output()
        try:
            entries = json.loads(self.report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = self._after_an_end()
            if entries is None:
                raise GradingFailed(f"grading wrote no report:\n{self.output[-3000:]}") from None
        finally:
            self._remove()
        return [_result(entry) for entry in entries]

    def close(self) -> None:
        """Stop the run if it is still going, and remove its report: for runs nobody waits for."""
        self.process.kill()
        self.process.wait()
        self._collect_output()
        self._remove()

    def _events(self) -> list[str | dict[str, Any]]:
        """The lines of the run's progress so far: each grader's node id as it starts, JSON for the rest."""
        try:
            text = self.progress.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        lines = text.split("\n")[:-1]  # the last line may still be being written
        return [json.loads(line) if line.startswith("{") else line for line in lines]

    def _after_an_end(self) -> list[dict[str, str]] | None:
        """The report of a run that ended before writing one: code under test ended the grading process
        (os._exit, a signal). What its progress tells: each grader that ended, the one running then, and
        the rest, not run. None if it ended before collecting its graders: nothing it graded ran then."""
        events = self._events()
        collected = next((e["graders"] for e in events if isinstance(e, dict) and "graders" in e), None)
        if not isinstance(collected, list):
            return None
        ended = {e["ended"]["nodeid"]: e["ended"] for e in events if isinstance(e, dict) and "ended" in e}
        started = {e for e in events if isinstance(e, str)}
        code = self.process.returncode or 0
        how = tr("killed by {signal}", signal=signal.Signals(-code).name) if code < 0 else tr("exit code {code}", code=code)
        running = sentences(
            tr("Your code ended the process that grades it while this grader ran ({how}), so this grader has no verdict "
               "and the ones after it did not run.", how=how),
            tr("Nothing in your file may end its own process: no os._exit(), no signal sent to it."))
        after = tr("the grading process had ended")
        return [ended.get(nodeid) or ({"nodeid": nodeid, "outcome": "failed", "message": running} if nodeid in started else
                                      {"nodeid": nodeid, "outcome": "failed", "not_run": after,
                                       "message": tr("Not run: {why}.", why=after)})
                for nodeid in collected]

    def _collect_output(self) -> None:
        try:
            self.output += self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            pass
        self.log.unlink(missing_ok=True)

    def _remove(self) -> None:
        self.report.unlink(missing_ok=True)
        self.progress.unlink(missing_ok=True)


def _scratch(suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix="aiolings-", suffix=suffix)
    os.close(handle)
    return Path(name)


def _result(entry: dict[str, str]) -> Result:
    target, _, grader = entry["nodeid"].partition("::")
    return Result(target, grader, entry["outcome"], entry["message"], entry.get("same_cause_as", ""), entry.get("cause", ""),
                  entry.get("not_run", ""), entry.get("note", ""))
