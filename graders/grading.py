"""Run graders in a separate pytest process (see forkserver) and read back each grader's outcome and message."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import forkserver


@dataclass(frozen=True)
class Result:
    target: str  # the graded file, as pytest names it (relative to the run's folder)
    grader: str  # the grader test's name
    outcome: str  # "passed", "failed" or "error"
    message: str
    same_cause_as: str = ""  # the grader of the same file whose message told this failure's cause in full
    cause: str = ""  # what failed it, when the grader named a cause ("load syntax 4", "todo gather_all", ...)


class Run:
    """One pytest process grading the files or folders in `args`; start several to use every core."""

    def __init__(self, args: Sequence[str], *, cwd: Path, seed: int | None = None, env: dict[str, str] | None = None,
                 lone: bool = False) -> None:
        self.report, self.log = _scratch(".json"), _scratch(".log")
        # Graders fail with messages of their own, so assertion rewriting and anyio's plugin only cost time.
        options = ["-q", "-p", "no:cacheprovider", "-p", "no:anyio", "--assert=plain", f"--aiolings-report={self.report}"]
        if seed is not None:
            options.append(f"--aiolings-seed={seed}")
        self.process = forkserver.start([*options, *args], cwd=cwd, env={**os.environ, **(env or {})}, output=self.log,
                                        lone=lone)  # a run the caller starts alone: see forkserver.start
        self.output = ""

    def results(self, timeout: float = 120) -> list[Result]:
        """Wait for the run; raise RuntimeError with pytest's output if it produced no report."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.close()
            raise RuntimeError(f"grading took over {timeout:g} s:\n{self.output[-3000:]}") from None
        self._collect_output()
        try:
            entries = json.loads(self.report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise RuntimeError(f"grading wrote no report:\n{self.output[-3000:]}") from None
        finally:
            self.report.unlink(missing_ok=True)
        return [_result(entry) for entry in entries]

    def close(self) -> None:
        """Stop the run if it is still going, and remove its report: for runs nobody waits for."""
        self.process.kill()
        self.process.wait()
        self._collect_output()
        self.report.unlink(missing_ok=True)

    def _collect_output(self) -> None:
        try:
            self.output += self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            pass
        self.log.unlink(missing_ok=True)


def _scratch(suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix="aiolings-", suffix=suffix)
    os.close(handle)
    return Path(name)


def _result(entry: dict[str, str]) -> Result:
    target, _, grader = entry["nodeid"].partition("::")
    return Result(target, grader, entry["outcome"], entry["message"], entry.get("same_cause_as", ""), entry.get("cause", ""))
