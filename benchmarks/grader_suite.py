"""Time the full `pytest` run, repeatedly, optionally with every core kept busy by CPU burners.

    python benchmarks/grader_suite.py                 # one run, idle machine
    python benchmarks/grader_suite.py --runs 20 --busy

Prints one line per run (wall time, exit code, pytest's summary) and a closing line
`N passed, N failed` counting runs, so a flaky grader shows up as a failed run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def burn() -> None:
    while True:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--busy", action="store_true", help="keep every core busy with a CPU-burning process")
    parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest")
    args = parser.parse_args()

    burners = [multiprocessing.Process(target=burn, daemon=True) for _ in range(os.cpu_count() or 1)] if args.busy else []
    for process in burners:
        process.start()
    times, failed = [], 0
    try:
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", *args.pytest_args], cwd=ROOT, capture_output=True, text=True
            )
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            summary = next((line for line in reversed(done.stdout.splitlines()) if re.search(r"\d+ (passed|failed)", line)), "")
            if done.returncode != 0:
                failed += 1
                print(done.stdout[-4000:])
            print(f"run {run:2d}: {elapsed:6.2f} s  exit {done.returncode}  {summary.strip('= ')}", flush=True)
    finally:
        for process in burners:
            process.terminate()
    load = f"{len(burners)} CPU burners" if burners else "idle machine"
    print(f"\n{len(times)} runs on {load}: min {min(times):.2f} s, median {statistics.median(times):.2f} s, max {max(times):.2f} s")
    print(f"{len(times) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
