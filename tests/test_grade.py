"""`aiolings grade` on a class of hostile submissions (tests/submissions): each scores 0 on the
topic it attacks, with its reason, and everything else is scored normally."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from graders import course, sandbox, submissions

from .conftest import ALSO_TOPIC_01, GradedClass

HOSTILE = {
    "loops_at_import": "never finished",
    "awaits_forever": "still running after 600 s of loop time",
    "sleeps_on_the_loop": "blocked the event loop",
    "exits_at_import": "called exit() while it was being imported",
    "kills_the_interpreter": "ended without reporting",
    "forks": "starting a process (os.fork) (line 7)",
    "eats_memory": "MemoryError",
    "prints_100_mb": "File too large",
    "writes_outside": "writing to /tmp/aiolings-was-here.txt (line 3)",
    "escapes_through_a_thread": "writing to /tmp/aiolings-thread-was-here.txt (from a thread or a callback)",
    "escapes_through_c": "calling C code through ctypes (ctypes.dlsym) (line 6)",
    "fakes_speed": "replaced asyncio.sleep",
    "patches_pytest": "canary did not fail as it must",
    "fakes_the_report": "writing to <grading folder>/private/report.json",
    "phones_home": "connecting to 93.184.216.34",
    "syntax_error": "could not be loaded",
    "missing_file": "no file for this topic",
    "nested_too_deep": "no file for this topic",
    "turns_the_alarm_off": "a grader ran past its limit of 0.5 s",
}
# Students who score some points, but never on the graders their forgery aims at.
FORGERS = {"reads_the_answers": ("test_gather_all_returns_results_in_argument_order", "without running every job")}


def topic(student: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(t for t in student["topics"] if t["topic"] == name)


def reasons(entry: dict) -> str:  # type: ignore[type-arg]
    return "\n".join([entry["problem"] or "", *(g["message"] for g in entry["graders"])])


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_code_scores_zero_on_its_topic_with_its_reason(graded_class: GradedClass, name: str) -> None:
    student = graded_class.students()[name]
    gather = topic(student, "03_gather")
    assert gather["score"] == 0, reasons(gather)
    assert HOSTILE[name] in reasons(gather)
    if name in ALSO_TOPIC_01:
        assert topic(student, "01_coroutines")["score"] == 10  # the other topic is scored normally


@pytest.mark.parametrize("name", ["correct", "zipped", "with_its_own_conftest", "logs_as_it_goes"])
def test_correct_submissions_get_full_marks(graded_class: GradedClass, name: str) -> None:
    student = graded_class.students()[name]
    assert student["total"] == student["max"] == 20, json.dumps(student, indent=1)[:3000]


def test_every_output_names_every_student(graded_class: GradedClass) -> None:
    students = graded_class.students()
    out = graded_class.output
    rows = (out / "grades.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "student,01_coroutines,03_gather,total"
    assert sorted(r.split(",")[0] for r in rows[1:]) == sorted(students)
    suites = ElementTree.parse(out / "junit.xml").getroot()
    assert sorted(s.get("name") for s in suites) == sorted(students)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert all(f"id='{name}'" in page for name in students) and "<script" not in page
    for name, student in students.items():
        results = json.loads((out / "gradescope" / name / "results.json").read_text(encoding="utf-8"))
        assert results["score"] == student["total"]
        assert {"name", "score", "max_score", "status", "output"} <= set(results["tests"][0])
        assert sum(t["max_score"] for t in results["tests"]) == pytest.approx(student["max"], abs=0.01)


def test_only_the_topic_modules_are_taken_from_a_submission(tmp_path: Path) -> None:
    folder = tmp_path / "ada"
    (folder / "exercises" / "03_gather").mkdir(parents=True)
    (folder / "exercises" / "03_gather" / "gather.py").write_text("answer = 42\n")
    (folder / "conftest.py").write_text("raise SystemExit\n")
    (folder / "graders").mkdir()
    (folder / "graders" / "course.toml").write_text("")
    archive = tmp_path / "bob.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("bob/03_gather/gather.py", "answer = 43\n")
        zipped.writestr("../evil/gather.py", "answer = 0\n")
    found = {s.student: s for s in submissions.find([folder, archive])}
    assert found["ada"].files == {"03_gather": b"answer = 42\n"}
    assert found["bob"].files == {"03_gather": b"answer = 43\n"}


@pytest.mark.skipif(not sandbox.own_users(), reason="runs get a user of their own only as root, with setpriv")
def test_as_root_the_student_code_runs_as_a_user_of_its_own() -> None:
    code = b"import os\n\nasync def gather_all(jobs):\n    raise RuntimeError(f'uid={os.getuid()} gid={os.getgid()}')\n"
    gather = course.load().find("3")
    [result] = sandbox.grade_topics({gather.dir: code}, [gather], seed=1, limits=sandbox.Limits(grader=0.5))
    message = next(v.message for v in result.verdicts if v.grader == "test_gather_all_returns_results_in_argument_order")
    uid = int(message.split("uid=")[1].split()[0])
    assert uid >= sandbox.UID_BASE and f"gid={uid}" in message


def test_as_root_without_a_user_of_its_own_grading_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from graders import cli

    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 0)
    monkeypatch.setattr(sandbox, "own_users", lambda: False)
    (tmp_path / "class" / "alice").mkdir(parents=True)
    assert cli.main(["grade", str(tmp_path / "class"), "-o", str(tmp_path / "grades")]) == 2
    said = capsys.readouterr().err
    assert "will not run students' code as root" in said and "--allow-root" in said
    assert not (tmp_path / "grades").exists()  # refused before anything ran or was written


def test_a_run_sees_no_other_process_and_not_the_class(graded_class: GradedClass) -> None:
    if not sandbox.own_pids_and_mounts():
        pytest.skip("no PID or mount namespace can be made here")
    student = graded_class.students()["looks_around"]
    gather = topic(student, "03_gather")
    assert gather["score"] == 0, reasons(gather)
    assert "it saw 1 process, an empty class folder and no reference solution" in reasons(gather)


@pytest.mark.parametrize("name", sorted(FORGERS))
def test_results_read_instead_of_earned_get_no_points(graded_class: GradedClass, name: str) -> None:
    grader, reason = FORGERS[name]
    verdicts = {g["name"]: g for g in topic(graded_class.students()[name], "03_gather")["graders"]}
    assert not verdicts[grader]["passed"] and reason in verdicts[grader]["message"]
