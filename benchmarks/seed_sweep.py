"""Prove the graders on many seeds: every input draw must tell right from wrong.

    python benchmarks/seed_sweep.py                  # seeds 1-50, every topic
    python benchmarks/seed_sweep.py --seeds 1-10 --topics 03,06 -j 4

For each seed and topic it grades the stub, the reference solution, every correct answer in
tests/correct_answers (all must pass every grader) and every wrong answer in
tests/wrong_answers (each must fail the graders its cases.toml names, with the text named
there), as tests/test_graders.py does for one seed. Prints each broken promise with its seed,
and a closing line `N passed, N failed` counting seed-and-topic checks; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graders import course  # noqa: E402
from graders.learn.run import Result, Run  # noqa: E402
from tests.background import correct_answers, wrong_answers  # noqa: E402


def seeds(spec: str) -> list[int]:
    first, _, last = spec.partition("-")
    return list(range(int(first), int(last or first) + 1))


def check(topic: course.Topic, seed: int) -> list[str]:
    """What broke for `topic` on `seed`, one line each; empty when every promise held."""
    cases = wrong_answers(topic)
    whole = [topic.stub(), topic.solution(ROOT), *correct_answers(topic)]
    names = [str(p.relative_to(ROOT)) for p in whole] + [f"{w.path.relative_to(ROOT)}::{g}" for w in cases for g in w.expect]
    try:
        results = Run(names, cwd=ROOT, seed=seed).results(timeout=600)
    except RuntimeError as error:
        return [f"seed {seed} {topic.dir}: {error}"]
    by_target: dict[str, dict[str, Result]] = {}
    for r in results:
        by_target.setdefault(r.target, {})[r.grader] = r
    problems = []
    stub = by_target.get(str(topic.stub().relative_to(ROOT)), {})
    graders = by_target.get(str(topic.solution(ROOT).relative_to(ROOT)), {})
    problems += [f"seed {seed} stub {topic.dir}: {g} {r.outcome}" for g, r in stub.items() if r.outcome != "failed"]
    for path in whole[1:]:
        got = by_target.get(str(path.relative_to(ROOT)), {})
        if got.keys() != graders.keys() or not got:
            problems.append(f"seed {seed} {path.relative_to(ROOT)}: graded by {sorted(got)}")
        problems += [f"seed {seed} {path.relative_to(ROOT)}: {g} {r.outcome}\n{r.message}"
                     for g, r in got.items() if r.outcome != "passed"]
    for case in cases:
        got = by_target.get(str(case.path.relative_to(ROOT)), {})
        for grader, fragments in case.expect.items():
            result = got.get(grader)
            if result is None or result.outcome != "failed":
                problems.append(f"seed {seed} {case.path.relative_to(ROOT)}: {grader} "
                                f"{result.outcome if result else 'not run'}")
                continue
            told = got[result.same_cause_as].message if result.same_cause_as in got else ""  # one message per cause
            message = " ".join(f"{result.message} {told}".split())
            problems += [f"seed {seed} {case.path.relative_to(ROOT)}: {grader} does not say {f!r}\n{result.message}"
                         for f in fragments if f not in message]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-50", help="a seed or a range, e.g. 7 or 1-50 (default 1-50)")
    parser.add_argument("--topics", default="", help="comma-separated topics (default: all)")
    parser.add_argument("-j", "--jobs", type=int, default=4, help="grading processes at once (default 4)")
    options = parser.parse_args()
    manifest = course.load()
    topics = [manifest.find(t) for t in options.topics.split(",")] if options.topics else manifest.topics
    work = [(topic, seed) for seed in seeds(options.seeds) for topic in topics]
    started = time.perf_counter()
    failed = 0
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        for (topic, seed), problems in zip(work, pool.map(lambda w: check(*w), work)):
            if problems:
                failed += 1
                print("\n".join(problems), flush=True)
    print(f"{len(work)} seed-and-topic checks in {time.perf_counter() - started:.0f} s")
    print(f"{len(work) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
