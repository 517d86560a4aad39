"""Grade a generated class with `aiolings grade`, against the naive way, and check it is repeatable.

    python benchmarks/grade_class.py                 # 60 submissions
    python benchmarks/grade_class.py --students 12

The class mixes correct submissions (the reference solutions), partly wrong ones (a wrong
answer from tests/wrong_answers for some topics) and hostile ones (tests/submissions for
topic 03). The naive way is one plain `pytest exercises` process per submission, no isolation.
Prints submissions per minute for both, and whether two gradings gave byte-identical grade
files (grades.csv, grades.json, junit.xml and every student's Gradescope results.json); exits 1
when they differ or a student got an unexpected score.
`--keep DIR` keeps the first grading's files (for benchmarks/check_report_html.py).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graders import course
from graders.classroom import sandbox  # noqa: E402


def make_class(folder: Path, students: int, rng: random.Random) -> dict[str, str]:
    """The class's folders; returns what each student is: correct, partly wrong, or the hostile case's name."""
    kinds = {}
    topics = course.load().topics
    hostile = sorted(p for p in (ROOT / "tests" / "submissions").iterdir() if (p / "gather.py").is_file())
    for n in range(students):
        student = folder / f"student{n:02d}" / "exercises"
        for topic in topics:
            (student / topic.dir).mkdir(parents=True)
            shutil.copyfile(topic.solution(ROOT), student / topic.dir / topic.module)
        kind = n % 4
        kinds[student.parent.name] = "correct"
        if kind in (1, 2):  # partly wrong: a realistic mistake in a few topics
            kinds[student.parent.name] = "partly wrong"
            for topic in rng.sample(topics, 3):
                wrong = sorted((ROOT / "tests" / "wrong_answers" / topic.dir).glob("*.py"))
                shutil.copyfile(rng.choice(wrong), student / topic.dir / topic.module)
        elif kind == 3:  # hostile in topic 03
            case = rng.choice(hostile)
            kinds[student.parent.name] = case.name
            shutil.copyfile(case / "gather.py", student / "03_gather" / "gather.py")
    return kinds


# Hostile students whose graded code is correct where it does not attack, and earns its points: two forge or
# stall one function (tests/submissions/README.md), one leaves files behind (test_grade gives it 10).
EARN_SOME = ("reads_the_answers", "spins_in_gather_all", "leaves_files_behind")


def unexpected_scores(grades: Path, kinds: dict[str, str]) -> list[str]:
    """Correct students without full marks, hostile ones with points (or no reason) on topic 03."""
    wrong = []
    for student in json.loads(grades.read_text(encoding="utf-8"))["students"]:
        kind = kinds[student["student"]]
        gather = next(t for t in student["topics"] if t["topic"] == "03_gather")
        reason = gather["problem"] or "".join(g["message"] for g in gather["graders"])
        if kind == "correct" and student["total"] != student["max"]:
            wrong.append(f"{student['student']} (correct) got {student['total']} of {student['max']}")
        elif kind not in ("correct", "partly wrong") and ((gather["score"] != 0 and kind not in EARN_SOME) or not reason):
            wrong.append(f"{student['student']} ({kind}) got {gather['score']} on 03_gather")
    return wrong


def timed(command: list[str], cwd: Path, limit: float | None = None) -> float:
    """Seconds `command` took; one still running after `limit` seconds is killed, and counts them all."""
    start = time.perf_counter()
    try:
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=limit)
    except subprocess.TimeoutExpired:
        pass
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--keep", type=Path, help="copy the first grading's files here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        kinds = make_class(folder / "class", args.students, random.Random(2026))
        grade = [sys.executable, "-c", "from graders.learn.cli import main; raise SystemExit(main())", "grade", str(folder / "class"),
                 "--quiet", *(["--allow-root"] if sandbox.root_refusal() else [])]  # as the project's tests do
        first = timed([*grade, "-o", str(folder / "first")], ROOT)
        second = timed([*grade, "-o", str(folder / "second")], ROOT)
        print(f"aiolings grade: {first:.1f} s, then {second:.1f} s; now the naive way", flush=True)
        # Nothing stops a plain pytest whose code turns its alarm off (turns_the_alarm_off): an instructor would
        # kill it once it ran as long as `aiolings grade` allows the process of its longest topic. (The sum over
        # every topic, the cap before, let one such submission hold the naive way for 20 minutes with 14 topics.)
        most = sandbox.STARTUP + sandbox.Limits().grader * max(sandbox.graders_of(t) for t in course.load().topics)
        naive = sum(
            timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "exercises"], student, most)
            for student in sorted((folder / "class").iterdir())
        )
        results = sorted(str(p.relative_to(folder / "first")) for p in (folder / "first").glob("gradescope/*/results.json"))
        same = {name: filecmp.cmp(folder / "first" / name, folder / "second" / name, shallow=False)
                for name in ("grades.csv", "grades.json", "junit.xml", *results)}
        if not all(same.values()):
            show_differences(folder / "first" / "grades.json", folder / "second" / "grades.json")
        wrong = unexpected_scores(folder / "first" / "grades.json", kinds)
        if args.keep:
            shutil.copytree(folder / "first", args.keep, dirs_exist_ok=True)
    per_minute = lambda seconds: 60 * args.students / seconds  # noqa: E731
    print(f"aiolings grade: {first:.1f} s and {second:.1f} s for {args.students} submissions: "
          f"{per_minute(first):.1f} and {per_minute(second):.1f} submissions/minute")
    print(f"naive pytest per submission: {naive:.1f} s: {per_minute(naive):.1f} submissions/minute")
    differ = [name for name, equal in same.items() if not equal]
    print(f"grade files identical across the two gradings: {len(same) - len(differ)} of {len(same)}"
          + (f"; differ: {', '.join(differ)}" if differ else ""))
    hostile = sorted({k for k in kinds.values() if k not in ("correct", "partly wrong")})
    print(f"{sum(k == 'correct' for k in kinds.values())} correct, {sum(k == 'partly wrong' for k in kinds.values())} "
          f"partly wrong, {sum(k in hostile for k in kinds.values())} hostile ({', '.join(hostile)})")
    print(f"unexpected scores: {wrong or 'none'}")
    return 0 if not differ and not wrong else 1


def show_differences(first: Path, second: Path) -> None:
    """Which students' scores or messages differ between the two gradings."""
    one, two = (json.loads(p.read_text(encoding="utf-8"))["students"] for p in (first, second))
    for a, b in zip(one, two):
        for ta, tb in zip(a["topics"], b["topics"]):
            if ta != tb:
                what = "score" if ta["score"] != tb["score"] else "messages"
                print(f"differs: {a['student']} {ta['topic']} ({what}: {ta['score']} vs {tb['score']})")


if __name__ == "__main__":
    raise SystemExit(main())
