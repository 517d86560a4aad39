"""Run graders in a separate pytest process and read back each grader's outcome and message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    target: str  # the graded file, as pytest names it (relative to the run's folder)
    grader: str  # the grader test's name
    outcome: str  # "passed", "failed" or "error"
    message: str


class Run:
    """One pytest process grading the files or folders in `args`; start several to use every core."""

    def __init__(self, args: Sequence[str], *, cwd: Path, seed: int | None = None) -> None:
        handle, name = tempfile.mkstemp(prefix="aiolings-", suffix=".json")
        os.close(handle)
        self.report = Path(name)
        # Graders fail with messages of their own, so assertion rewriting (which recompiles every
        # graders module in each process when bytecode is not cached) and anyio's plugin only cost time.
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:anyio", "--assert=plain",
            f"--aiolings-report={self.report}",
        ]
        if seed is not None:
            command.append(f"--aiolings-seed={seed}")
        self.command = [*command, *args]
        self.process = subprocess.Popen(
            self.command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.output = ""

    def results(self, timeout: float = 120) -> list[Result]:
        """Wait for the run; raise RuntimeError with pytest's output if it produced no report."""
        try:
            self.output, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.close()
            raise RuntimeError(f"grading took over {timeout:g} s:\n{self.output[-3000:]}") from None
        try:
            entries = json.loads(self.report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise RuntimeError(f"grading wrote no report:\n{self.output[-3000:]}") from None
        finally:
            self.report.unlink(missing_ok=True)
        return [_result(entry) for entry in entries]

    def close(self) -> None:
        """Stop the run if it is still going, and remove its report: for runs nobody waits for."""
        if self.process.poll() is None:
            self.process.kill()
        self.output += self.process.communicate()[0] or ""
        self.report.unlink(missing_ok=True)


def _result(entry: dict[str, str]) -> Result:
    target, _, grader = entry["nodeid"].partition("::")
    return Result(target, grader, entry["outcome"], entry["message"])
