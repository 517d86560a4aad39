"""Each topic's graders are proven: the solution passes them, the stub fails them, wrong answers are caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders import course
from graders.learn.run import Result

from .background import Graded, WrongAnswer, correct_answers, wrong_answers
from .conftest import ROOT

TOPICS = course.load().topics
CASES = [w for t in TOPICS for w in wrong_answers(t)]
CORRECT = [(t, path) for t in TOPICS for path in correct_answers(t)]


def describe(results: dict[str, Result]) -> str:
    return "\n".join(f"{name}: {r.outcome}\n{r.message}" for name, r in results.items())


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.dir)
def test_solution_passes_every_grader(graded: Graded, topic: course.Topic) -> None:
    results = graded.results(topic, topic.solution(ROOT))
    assert len(results) >= 3, f"{topic.dir} has too few graders: {sorted(results)}"
    failing = {n: r for n, r in results.items() if r.outcome != "passed"}
    assert not failing, f"seed {graded.seed}:\n{describe(failing)}"


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.dir)
def test_every_topic_has_correct_answers_in_other_idioms(topic: course.Topic) -> None:
    assert len(correct_answers(topic)) >= 5, f"{topic.dir} needs at least five correct answers in tests/correct_answers"


@pytest.mark.parametrize(("topic", "path"), CORRECT, ids=lambda v: v.dir if isinstance(v, course.Topic) else v.stem)
def test_correct_answer_passes_every_grader(graded: Graded, topic: course.Topic, path: Path) -> None:
    solution = graded.results(topic, topic.solution(ROOT))
    results = graded.results(topic, path)
    assert results.keys() == solution.keys(), f"{path.name} was not graded by every grader: {sorted(results)}"
    failing = {n: r for n, r in results.items() if r.outcome != "passed"}
    assert not failing, f"seed {graded.seed}, {path.name}:\n{describe(failing)}"


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.dir)
def test_stub_fails_every_grader(graded: Graded, topic: course.Topic) -> None:
    solution = graded.results(topic, topic.solution(ROOT))
    stub = graded.results(topic, topic.stub())
    assert stub, f"{topic.dir}: the stub was not graded at all"
    assert stub.keys() == solution.keys(), "the stub must be collected with every grader, without errors"
    not_failed = {n: r for n, r in stub.items() if r.outcome != "failed"}
    assert not not_failed, f"seed {graded.seed}:\n{describe(not_failed)}"


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.dir)
def test_every_grader_is_failed_by_a_wrong_answer(graded: Graded, topic: course.Topic) -> None:
    cases = wrong_answers(topic)
    assert len(cases) >= 3, f"{topic.dir} needs at least three realistic wrong answers"
    caught = {grader for case in cases for grader in case.expect}
    graders = graded.results(topic, topic.solution(ROOT)).keys()
    assert not graders - caught, f"no wrong answer fails these graders: {sorted(graders - caught)}"


@pytest.mark.parametrize("case", CASES, ids=lambda w: f"{w.topic.dir}/{w.name}")
def test_wrong_answer_fails_with_its_message(graded: Graded, case: WrongAnswer) -> None:
    results = graded.results(case.topic, case.path)
    for grader, fragments in case.expect.items():
        assert grader in results, f"{case.path.name}: no grader named {grader}; graders: {sorted(results)}"
        result = results[grader]
        assert result.outcome == "failed", f"seed {graded.seed}: {grader} {result.outcome} on {case.name}\n{result.message}"
        told = results[result.same_cause_as].message if result.same_cause_as else ""  # one message per cause
        message = " ".join(f"{result.message} {told}".split())  # line wrapping depends on the inputs
        for fragment in fragments:
            assert fragment in message, f"seed {graded.seed}: {grader} on {case.name} should say {fragment!r}:\n{result.message}"
