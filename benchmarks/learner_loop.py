"""What the learner's loop costs: a cold `aiolings check 3` against plain `pytest exercises/03_gather`,
and a re-check as `aiolings watch` does it (the fork server already warm).

    python benchmarks/learner_loop.py            # median of 5 each
    python benchmarks/learner_loop.py --runs 9

Both commands grade the same file (the stub, in a fresh copy of the course), in new processes
writing to a terminal as a learner's do, each measured in wall time and in CPU time (the process
and its children), taking turns so that a machine whose load changes meanwhile weighs on both
alike. Prints the medians, the ratios (the bar: a cold check at most 1.1x plain pytest in both)
and the re-check's wall time (the bar: at most 0.3 s).
"""

from __future__ import annotations

import argparse
import fcntl
import io
import os
import pty
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graders.learn import cli
from graders import course  # noqa: E402
from graders.learn.progress import Progress  # noqa: E402


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command` (its children included), its output on a terminal
    of 100 columns, as a learner runs it: pytest's colours, and aiolings's line saying which grader runs."""
    reader, writer = pty.openpty()
    fcntl.ioctl(writer, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    drained = threading.Thread(target=_drain, args=(reader,), daemon=True)
    drained.start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=writer, stderr=writer)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.close(writer)
    drained.join()
    os.close(reader)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _drain(reader: int) -> None:
    """Read what the terminal gets, so that the command never waits for room to write."""
    try:
        while os.read(reader, 1 << 16):
            pass
    except OSError:  # the terminal closed: every writer is gone
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    topic = course.load().find("3")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder)
        for name in ("exercises", "solutions"):
            shutil.copytree(ROOT / name, copy / name)
        shutil.copyfile(topic.stub(), topic.exercise(copy))
        shutil.copyfile(ROOT / "pyproject.toml", copy / "pyproject.toml")  # pytest's settings, as in a clone
        commands = {
            "pytest exercises/03_gather": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "exercises/03_gather"],
            "aiolings check 3": [sys.executable, "-c", "from graders.learn.cli import main; raise SystemExit(main())", "check", "3"],
        }
        runs: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
        for _ in range(options.runs):
            for label, command in commands.items():
                runs[label].append(measure(command, copy))
        medians = {}
        for label, taken in runs.items():
            medians[label] = (statistics.median(w for w, _ in taken), statistics.median(c for _, c in taken))
            print(f"{label:28} wall {medians[label][0]:.2f} s   cpu {medians[label][1]:.2f} s   (median of {options.runs})")
        (plain_wall, plain_cpu), (check_wall, check_cpu) = medians.values()
        print(f"cold check / pytest: wall {check_wall / plain_wall:.2f}x, cpu {check_cpu / plain_cpu:.2f}x (bar: 1.1x)")
        progress = Progress(copy)
        # As `aiolings watch` runs: in the course, drawing on a terminal, its line saying which grader runs.
        watching = cli.Invocation(copy, dict(os.environ), cli.new_console(file=io.StringIO(), force_terminal=True, width=100))
        watching.run(cli.graded, progress, topic)  # warms the fork server, as the first check in `aiolings watch` does
        again = []
        for _ in range(options.runs):
            start = time.perf_counter()
            watching.run(cli.graded, progress, topic)
            again.append(time.perf_counter() - start)
        print(f"re-check in watch: wall {statistics.median(again):.2f} s (median of {options.runs}; bar: 0.3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
