"""The same file and seed get the same verdicts through each way of grading it, run after run.

    python benchmarks/verdict_parity.py                     # every topic, seed 1, 3 runs of each way
    python benchmarks/verdict_parity.py --topics 03,05 --seeds 1-3 --runs 3

Every answer of a topic (stub, reference solution, tests/correct_answers, tests/wrong_answers)
is graded on each seed:
- by plain `pytest` on the file, as `pytest exercises/NN_topic` grades a learner's (one process
  for all the topic's answers: each file is graded on its own);
- by `aiolings check NN --seed S`, with the file in a copy of the course;
- by `aiolings grade --topics NN --seed S`, with one student per answer.
Each way runs --runs times. Prints every file and seed whose verdicts (each grader passed or not)
differ between ways or runs, and a closing line `N compared, N differ`; exits 1 if any differ.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graders import course  # noqa: E402
from graders.classroom import sandbox  # noqa: E402
from graders.learn import cli  # noqa: E402
from tests.background import correct_answers, wrong_answers  # noqa: E402

Verdicts = dict[str, bool]  # grader name -> passed


def seeds(spec: str) -> list[int]:
    first, _, last = spec.partition("-")
    return list(range(int(first), int(last or first) + 1))


def answers(topic: course.Topic) -> dict[str, Path]:
    """Each answer by a name that is also a safe student name."""
    found = {"stub": topic.stub(), "solution": topic.solution(ROOT)}
    found.update({f"correct-{p.stem}": p for p in correct_answers(topic)})
    found.update({f"wrong-{w.name}": w.path for w in wrong_answers(topic)})
    return found


def by_pytest(topic: course.Topic, files: dict[str, Path], seed: int, scratch: Path) -> dict[str, Verdicts]:
    targets = []
    for name, source in files.items():
        target = scratch / "pytest" / name / topic.dir / topic.module  # the topic's folder name tells the graders the topic
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        targets.append(target)
    report = scratch / "pytest-report.json"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--aiolings-seed={seed}",
                    f"--aiolings-report={report}", *map(str, targets)],
                   cwd=ROOT, capture_output=True, env={**os.environ, "AIOLINGS_LANG": "en"}, timeout=1800)
    found: dict[str, Verdicts] = {}
    for entry in json.loads(report.read_text(encoding="utf-8")):
        path, _, grader = entry["nodeid"].partition("::")
        found.setdefault(Path(path).parent.parent.name, {})[grader] = entry["outcome"] == "passed"
    return found


def by_check(topic: course.Topic, files: dict[str, Path], seed: int, scratch: Path) -> dict[str, Verdicts]:
    copy = scratch / "course"
    if not copy.exists():
        shutil.copytree(ROOT / "exercises", copy / "exercises")
    titles = {cli.grader_title(g, cli.functions(topic)): g for g in _graders(topic)}
    found: dict[str, Verdicts] = {}
    here = Path.cwd()
    os.chdir(copy)
    try:
        for name, source in files.items():
            shutil.copyfile(source, topic.exercise(copy))
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                cli.main(["check", topic.dir, "--seed", str(seed)])
            lines = re.findall(r"^  ([✓✗]) (.+)$", printed.getvalue().split("\n\n", 2)[1], re.MULTILINE)
            found[name] = {titles[title]: mark == "✓" for mark, title in lines}
    finally:
        os.chdir(here)
    return found


def by_grade(topic: course.Topic, files: dict[str, Path], seed: int, scratch: Path) -> dict[str, Verdicts]:
    folder, output = scratch / "class", scratch / "grades"
    shutil.rmtree(output, ignore_errors=True)
    for name, source in files.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / name / topic.module)
    accept = ["--allow-root"] if sandbox.root_refusal() else []
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        cli.main(["grade", str(folder), "-o", str(output), "--topics", topic.dir, "--seed", str(seed), "-q", *accept])
    data = json.loads((output / "grades.json").read_text(encoding="utf-8"))
    return {s["student"]: {g["name"]: g["passed"] for t in s["topics"] for g in t["graders"]} for s in data["students"]}


def _graders(topic: course.Topic) -> list[str]:
    import importlib

    return [name for name in vars(importlib.import_module(topic.graders)) if name.startswith("test_")]


WAYS = {"pytest": by_pytest, "check": by_check, "grade": by_grade}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topics", default="", help="e.g. 03,05 (default: all)")
    parser.add_argument("--seeds", default="1", help="e.g. 1-3")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["AIOLINGS_LANG"] = "en"
    os.environ["COLUMNS"] = "300"  # check's grader lines on one row each
    topics = [course.load().find(t) for t in args.topics.split(",")] if args.topics else course.load().topics
    compared = differ = 0
    for topic in topics:
        files = answers(topic)
        for seed in seeds(args.seeds):
            seen: dict[str, dict[str, Verdicts]] = {name: {} for name in files}  # answer -> "way run" -> verdicts
            for run in range(1, args.runs + 1):
                for way, grade in WAYS.items():
                    with tempfile.TemporaryDirectory(prefix="aiolings-parity-") as scratch:
                        for name, verdicts in grade(topic, files, seed, Path(scratch)).items():
                            seen[name][f"{way} {run}"] = verdicts
            for name, runs in seen.items():
                compared += 1
                distinct = {json.dumps(v, sort_keys=True) for v in runs.values()}
                if len(runs) != len(WAYS) * args.runs or len(distinct) != 1:
                    differ += 1
                    print(f"{topic.dir} seed {seed} {name}:")
                    for label, verdicts in runs.items():
                        print(f"  {label}: {sorted(g for g, ok in verdicts.items() if not ok)} failed of {len(verdicts)}")
            print(f"{topic.dir} seed(s) {args.seeds}: {len(files)} answers", flush=True)
    print(f"{compared} compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
