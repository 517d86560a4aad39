"""`aiolings grade` on a class of hostile submissions (tests/submissions): each scores 0 on the
topic it attacks, with its reason, and everything else is scored normally."""

from __future__ import annotations

import contextvars
import csv
import io
import json
import os
import shutil
import struct
import sys
import tracemalloc
import unicodedata
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest

from graders import course, forkserver, i18n
from graders.classroom import grade, review, sandbox, submissions
from graders.learn.run import Run

from .background import ALSO_TOPIC_01, SUBMISSIONS, GradedClass, shared_files
from .conftest import ENVIRONMENT, ROOT

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
    "patches_the_loop_class": "replaced loop.time",
    "patches_pytest": "canary did not fail as it must",
    "fakes_the_report": "writing to <grading folder>/private/report.json",
    "phones_home": "connecting to 93.184.216.34",
    "syntax_error": "could not be loaded",
    "missing_file": "no file for this topic",
    "nested_too_deep": "no file for this topic",
    "turns_the_alarm_off": "a grader ran past its limit of 0.5 s",
    "leaks_into_its_feedback": "raised RuntimeError",
    "zip_bomb": "submission too large: exercises/03_gather/gather.py holds 2.0 MB compressed but declares 100 bytes",
    "forges_through_a_plugin": "registering a pytest plugin, which can rewrite every grader's report (found as the graders ended)",
    "patches_json_dumps": "`gather_all` is not written yet",
    "writes_the_report_as_os": "writing to <grading folder>/private/report.json",
    "raises_a_huge_error": "(1,998,000 more characters)",
    "switches_the_audit_off": "writing to /tmp/aiolings-audit-was-off.txt (line 9)",
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


@pytest.mark.early  # waits on a grading run of its own
def test_a_clock_replaced_in_one_topic_does_not_reach_the_next(early_folder: Path) -> None:
    """A student's topics are graded in one process: a loop class patched by 03 is put back before 04 measures."""
    gather, timeouts = course.load().find("3"), course.load().find("4")
    targets = []
    for topic, source in ((gather, SUBMISSIONS / "patches_the_loop_class" / "gather.py"), (timeouts, timeouts.solution(ROOT))):
        target = early_folder / topic.dir / topic.module
        target.parent.mkdir(parents=True)
        shutil.copyfile(source, target)
        targets.append(str(target))
    results = Run(targets, cwd=ROOT, seed=1, inherit=ENVIRONMENT).results()
    patched = [r for r in results if gather.dir in r.target]
    assert patched and all(r.outcome == "failed" and "replaced loop.time" in r.message for r in patched if not r.same_cause_as)
    honest = {r.grader: r.outcome for r in results if timeouts.dir in r.target}
    assert len(honest) >= 10 and set(honest.values()) == {"passed"}, honest


@pytest.mark.parametrize("name", ["correct", "zipped", "with_its_own_conftest", "logs_as_it_goes"])
def test_correct_submissions_get_full_marks(graded_class: GradedClass, name: str) -> None:
    student = graded_class.students()[name]
    assert student["total"] == student["max"] == 20, json.dumps(student, indent=1)[:3000]


def test_every_output_names_every_student(graded_class: GradedClass) -> None:
    students = graded_class.students()
    out = graded_class.output
    rows = list(csv.reader(io.StringIO((out / "grades.csv").read_text(encoding="utf-8"))))
    assert rows[0] == ["student", "01_coroutines", "03_gather", "total", "review"]
    assert sorted(r[0] for r in rows[1:]) == sorted(students)
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
                                                            capsys: pytest.CaptureFixture[str],
                                                            graded_class: GradedClass) -> None:
    from graders.learn import cli

    # What is patched below, the class graded in a thread of this process reads for each run: one
    # started meanwhile would run without a user of its own. So not before the class is done.
    graded_class.students()
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 0)
    monkeypatch.setattr(sandbox, "own_users", lambda: False)
    (tmp_path / "class" / "alice").mkdir(parents=True)
    assert cli.main(["grade", str(tmp_path / "class"), "-o", str(tmp_path / "grades")]) == 2
    said = capsys.readouterr().err
    assert "will not run students' code as root" in said and "--allow-root" in said
    assert not (tmp_path / "grades").exists()  # refused before anything ran or was written


# What the kernel's confinement (PID and mount namespaces) leaves each of these students: 0 on its topic, and what it saw.
CONFINED = {
    "looks_around": "it saw 1 process, an empty class folder and no reference solution",
    # Not the rest of the course beside the graders, nor anyone's home, nor what other folders hold.
    "looks_beyond_the_course": "beyond what grading needs, it saw nothing",
    "fills_its_folder": "No space left on device",  # its folder holds 64 MB, not the machine's disk
}


@pytest.mark.parametrize("name", sorted(CONFINED))
def test_a_run_sees_and_fills_only_what_is_its_own(graded_class: GradedClass, name: str) -> None:
    if not sandbox.own_pids_and_mounts():
        pytest.skip("no PID or mount namespace can be made here")
    gather = topic(graded_class.students()[name], "03_gather")
    assert gather["score"] == 0 and CONFINED[name] in reasons(gather), reasons(gather)


def test_files_left_where_anyone_may_write_go_with_the_run(graded_class: GradedClass) -> None:
    if not sandbox.own_pids_and_mounts():
        pytest.skip("no mount namespace can be made here")
    student = graded_class.students()["leaves_files_behind"]
    assert topic(student, "03_gather")["score"] == 10  # what it leaves is not what it is graded on
    after = shared_files()
    left = sorted(path for path in after if graded_class.shared_before.get(path) != after[path] and "aiolings-left-behind" in path)
    assert not left, f"a fifo made by a student's run is still there: {left}"


def test_an_error_of_megabytes_is_cut_short_in_every_grade_file(graded_class: GradedClass) -> None:
    gather = topic(graded_class.students()["raises_a_huge_error"], "03_gather")
    assert 0 < max(len(g["message"]) for g in gather["graders"]) < 10_000
    assert (graded_class.output / "junit.xml").stat().st_size < 2_000_000


@pytest.mark.parametrize("name", sorted(FORGERS))
def test_results_read_instead_of_earned_get_no_points(graded_class: GradedClass, name: str) -> None:
    grader, reason = FORGERS[name]
    verdicts = {g["name"]: g for g in topic(graded_class.students()[name], "03_gather")["graders"]}
    assert not verdicts[grader]["passed"] and reason in verdicts[grader]["message"], verdicts[grader]["message"]


def test_a_function_stopped_at_the_limit_fails_its_graders_without_another_wait(graded_class: GradedClass) -> None:
    verdicts = {g["name"]: g for g in topic(graded_class.students()["spins_in_gather_all"], "03_gather")["graders"]}
    first, *rest = (verdicts[f"test_gather_all_{name}"] for name in ("returns_results_in_argument_order",
                                                                     "runs_jobs_concurrently", "lets_a_failure_propagate"))
    assert not first["passed"] and "still running after 0.5 s of real time" in first["message"]
    for verdict in rest:  # not run: as in `aiolings check` and pytest, a grader not run never counts as passed
        assert not verdict["passed"] and "Not run: `gather_all` was stopped after the first time limit" in verdict["message"]
    assert sum(v["passed"] for v in verdicts.values()) == len(verdicts) - 3  # its other functions are scored


# Issue #14: names, limits, valid outputs, review, and nothing of the instructor's machine in feedback.

GBK_NAME = "张三"  # written by a Chinese Windows zip tool: its bytes are GBK, not UTF-8
AWKWARD = {  # student in the grade files: (folder or zip built by add_awkward_students, a problem it must list)
    "%D5%C5%C8%FD": (b"\xd5\xc5\xc8\xfd", f"(read as GBK: {GBK_NAME})"),
    "alice": ("alice", "kept apart: alice as alice, alice.zip as alice-2"),
    "alice-2": ("alice.zip", "kept apart: alice as alice, alice.zip as alice-2"),
    # A name that needed no change keeps it: é composed, and a folder without a leading space.
    "zoë": ("zo\xeb", "kept apart: zo\\xeb as zoë, zoe\\u0308 as zoë-2"),
    "zoë-2": ("zoe\u0308", "kept apart"),
    "bob": ("bob", "kept apart: bob as bob,  bob as bob-2"),
    "bob-2": (" bob", "kept apart"),
    "eve_[31m_mallory": ("eve\x1b[31m\tmallory", "is shown as eve_[31m_mallory"),
}
REVIEW = {  # what the review must say of a student (their files are read, never run, for it)
    "fakes_speed": "03_gather: replaces asyncio.sleep (line 10)",
    "patches_the_loop_class": "03_gather: replaces the event loop's time (line 15)",
    "escapes_through_c": "03_gather: imports ctypes (line 4)",
    "patches_pytest": "03_gather: imports gc (line 3)",
    "forks": "03_gather: uses os.fork (line 7)",
    "turns_the_alarm_off": "03_gather: imports signal (line 8)",
    "looks_around": "03_gather: imports graders (line 6)",
    "looks_beyond_the_course": "03_gather: uses os.listdir (line 16)",
    "fakes_the_report": "03_gather: mentions the grading's internals (--aiolings) (line 6)",
    "leaks_into_its_feedback": "03_gather: mentions the grading's internals (/proc) (lines 9, 27)",
    "correct": "03_gather: the same code (names and formatting aside) as the reference solution, with_its_own_conftest and zipped",
    "forges_through_a_plugin": "03_gather: looks up an attribute by a name built at run time (getattr) (lines 12, 14, 15, 19)",
    "patches_json_dumps": "03_gather: replaces json.dumps (line 16)",
    "writes_the_report_as_os": "03_gather: reads interpreter internals (__code__) (line 15)",
    "changes_the_jobs": "03_gather: changes what a job handed over is made of (seconds) (lines 7, 15)",
}


def zip_bomb(path: Path, size: int, declared: int | None = None, name: str = "exercises/03_gather/gather.py") -> None:
    """A zip of one entry of `size` zero bytes, declaring `declared` (default: the truth). Built from one
    deflated megabyte repeated: a full flush resets the compressor, so its blocks can be laid end to end."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = block * (size >> 20) + b"\x03\x00"  # an empty last block ends the stream
    crc = 0 if declared is not None else _crc_of_zeros(size)
    file_size, names = size if declared is None else declared, name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), file_size, len(names), 0) + names
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), file_size, len(names),
                          0, 0, 0, 0, 0o644 << 16, 0) + names
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    path.write_bytes(local + data + central + end)


def _crc_of_zeros(size: int) -> int:
    crc, chunk = 0, bytes(1 << 20)
    for _ in range(size >> 20):
        crc = zlib.crc32(chunk, crc)
    return crc


def add_awkward_students(folder: Path) -> None:
    """Students of the graded class (tests/conftest.py) that cost no grading run: names that must be made safe
    and kept apart, and a zip bomb. Made here, not kept in the repository: Git on macOS and Windows
    cannot check out a folder name that is not UTF-8."""
    for raw, _ in AWKWARD.values():
        path = os.path.join(os.fsencode(folder), raw) if isinstance(raw, bytes) else os.path.join(folder, raw)
        if str(raw).endswith(".zip"):
            Path(path).write_bytes(b"not a zip")  # unreadable, so alice and alice-2 differ in what they say
        else:
            os.mkdir(path)
            Path(os.fsdecode(path), "NOTES.txt").write_text("nothing to grade here\n")
    zip_bomb(folder / "zip_bomb.zip", 2 << 30, declared=100)  # 2 GB of zeros in 2 MB, declaring 100 bytes


def test_awkward_names_are_made_safe_and_kept_apart(graded_class: GradedClass) -> None:
    students = graded_class.students()
    out = graded_class.output
    for name, (_, problem) in AWKWARD.items():
        assert name in students, sorted(students)
        assert any(problem in p for p in students[name]["problems"]), students[name]["problems"]
    # Kept apart, never overwritten: each has its own results.json, saying its own problems and no classmate's name.
    told = {n: json.loads((out / "gradescope" / n / "results.json").read_text(encoding="utf-8"))["output"]
            for n in ("alice", "alice-2")}
    assert told == {"alice": "", "alice-2": "the zip could not be read: no end of central directory: not a zip file"}
    assert len(list((out / "gradescope").iterdir())) == len(students)


def test_feedback_shows_nothing_of_the_grading_machine(graded_class: GradedClass) -> None:
    gather = topic(graded_class.students()["leaks_into_its_feedback"], "03_gather")
    message = gather["graders"][0]["message"]
    # It read the environment it started with (/proc/self/environ), or could not: with a user of its own, it is closed.
    assert "'started with': ['PATH=" in message or "'started with': ['unreadable']" in message
    # Of the environment the run was started with, only what sandbox.py gives it, and what pytest adds.
    given = {"PATH", "HOME", "LANG", "TMPDIR", "PYTEST_VERSION", "PYTEST_CURRENT_TEST"}
    leaked = [key for key in ENVIRONMENT if key not in given and (f"'{key}'" in message or f"{key}=" in message)]
    assert not leaked, leaked
    assert "'home': '<grading folder>/work'" in message and "'folder': '<grading folder>/work'" in message
    assert sys.prefix not in message and "<python>/lib/" in message  # argv[0]: the instructor's virtual environment
    if sandbox.own_pids_and_mounts():  # the class and the grade files it cannot see, it cannot name either
        assert str(graded_class.folder) not in message and str(graded_class.output) not in message, message


def test_grade_files_stay_valid_whatever_the_code_printed(graded_class: GradedClass) -> None:
    out = graded_class.output
    ElementTree.parse(out / "junit.xml")  # one \x00 in a message used to make it unreadable for the whole class
    data = json.loads((out / "grades.json").read_text(encoding="utf-8"))
    graders = topic(next(s for s in data["students"] if s["student"] == "leaks_into_its_feedback"), "03_gather")["graders"]
    message = next(g["message"] for g in graders if g["name"] == "test_gather_limited_never_exceeds_limit")
    assert message.startswith("`gather_limited` raised RuntimeError: \\x00\\x0cred \\udc80 \\u202eevil ]]> </pre><script>"), message
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;/pre&gt;&lt;script&gt;" in page and "\x00" not in page and "\x1b" not in page


@pytest.mark.parametrize("name", sorted(REVIEW))
def test_the_review_says_what_to_look_at(graded_class: GradedClass, name: str) -> None:
    flags = [f["text"] for f in graded_class.students()[name]["review"]]
    assert REVIEW[name] in flags, flags
    rows = {r[0]: r[-1] for r in csv.reader(io.StringIO((graded_class.output / "grades.csv").read_text(encoding="utf-8")))}
    assert REVIEW[name] in rows[name]
    assert REVIEW[name].replace("'", "&#x27;") in (graded_class.output / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["logs_as_it_goes", "sleeps_on_the_loop", "awaits_forever"])
def test_the_review_leaves_alone_what_needs_no_look(graded_class: GradedClass, name: str) -> None:
    assert graded_class.students()[name]["review"] == []


@pytest.mark.parametrize(("raw", "name"), [
    ("alice", "alice"), ("submission", "submission"), ("René", "René"),
    (unicodedata.normalize("NFD", "zoë"), "zoë"),  # composed, as every other name
    (os.fsdecode(GBK_NAME.encode("gbk")), "%D5%C5%C8%FD"),  # undecodable bytes, as a folder name gives them
    ("..", "student"), (".", "student"), ("a/b\\c", "a_b_c"),
    ("eve\nmallory\x00", "eve_mallory_"), ("\u202egnp.exe", "_gnp.exe"), ("  Bob   Smith. ", "Bob Smith"),
])
def test_student_names_are_made_safe(raw: str, name: str) -> None:
    assert submissions.student_name(raw)[0] == name


def test_names_that_come_out_alike_are_kept_apart(tmp_path: Path) -> None:
    for folder in ("Alice", "alice", "alice-2", "bob"):
        (tmp_path / folder).mkdir()
    (tmp_path / "alice.zip").write_bytes(b"")
    names = [s.student for s in submissions.find([tmp_path])]
    assert names == ["Alice", "alice-3", "alice-2", "alice-4", "bob"]  # sorted: Alice, alice, alice-2, alice.zip, bob
    assert len({n.casefold() for n in names}) == len(names)


def _zip(path: Path, entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(("entries", "reason"), [
    ({f"notes/{i}.txt": b"" for i in range(31)}, "31 entries or more, more than 30"),
    ({"exercises/03_gather/gather.py": b"x = 1\n" * 300_000}, "gather.py is 1.7 MB, more than 1.0 MB for one file"),
    ({f"data{i}.txt": os.urandom(300_000).hex().encode() for i in range(4)}, "its files hold more than 2.0 MB uncompressed"),
    ({"exercises/03_gather/gather.py": bytes(200_000)}, "gather.py expands 947 times, more than 100 (a zip bomb, or padding)"),
    ({"exercises/03_gather/gather.py": b"x" * 100}, "holds 203 kB compressed but declares 100 bytes: its header lies"),
])
def test_archives_are_read_within_limits(tmp_path: Path, entries: dict[str, bytes], reason: str) -> None:
    limits = submissions.Limits(entries=30, file=1024**2, total=2 * 1024**2)
    archive = _zip(tmp_path / "ada.zip", entries)
    if "header lies" in reason:
        zip_bomb(archive, 200 << 20, declared=100)
    [found] = submissions.find([archive], limits)
    assert found.files == {} and found.problems == [f"submission too large: {found.problems[0].split(': ', 1)[1]}"]
    assert reason in found.problems[0]


def test_a_zip_bomb_costs_the_grader_a_chunk_not_its_size(tmp_path: Path) -> None:
    zip_bomb(tmp_path / "liar.zip", 256 << 20, declared=100)  # 256 MB of zeros declaring 100 bytes
    zip_bomb(tmp_path / "honest.zip", 256 << 20)
    tracemalloc.start()
    try:
        found = submissions.find([tmp_path / "liar.zip", tmp_path / "honest.zip"])
        with zipfile.ZipFile(tmp_path / "liar.zip") as archive:  # read past the header check, as before it
            with pytest.raises(zipfile.BadZipFile):
                submissions._read_entry(archive, archive.infolist()[0], submissions.Limits())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 << 20, f"{peak / 1e6:.0f} MB"  # reading it whole, as before, took 256 MB (2 GB for the class's bomb)
    assert [s.problems[-1].split(": ")[0] for s in found] == ["submission too large"] * 2
    assert "its header lies" in found[0].problems[-1] and "256.0 MB, more than 10.0 MB" in found[1].problems[-1]


def test_a_zip_compressed_unlike_the_usual_is_not_read(tmp_path: Path) -> None:
    [found] = submissions.find([_zip(tmp_path / "ada.zip", {"03_gather/gather.py": b"x = 1\n"}, zipfile.ZIP_BZIP2)])
    assert found.files == {} and "zip it again with the usual settings" in found.problems[-1]


def test_folders_are_walked_within_limits_without_following_links(tmp_path: Path) -> None:
    ada = tmp_path / "ada"
    (ada / "03_gather").mkdir(parents=True)
    (ada / "03_gather" / "gather.py").write_text("x = 1\n")
    (ada / "elsewhere").symlink_to("/usr", target_is_directory=True)
    (ada / "01_coroutines").mkdir()
    (ada / "01_coroutines" / "coroutines.py").symlink_to("/etc/passwd")
    [found] = submissions.find([ada], submissions.Limits(entries=10))
    assert found.files == {"03_gather": b"x = 1\n"} and found.problems == []
    for i in range(10):
        (ada / f"{i}.txt").write_text("")
    [found] = submissions.find([ada], submissions.Limits(entries=10))
    assert found.files == {} and "more than 10 files and folders" in found.problems[-1]


def _graded(student: str, message: str, problems: tuple[str, ...] = ()) -> grade.Graded:
    verdicts = tuple(sandbox.Verdict(f"test_{i}", False, message) for i in range(3))
    return grade.Graded(student, problems, (sandbox.TopicResult("03_gather", verdicts),))


def test_outputs_escape_what_xml_and_html_forbid(tmp_path: Path) -> None:
    nasty = "\x00\x01\x0b\x0c\x1b[2J\x7f\x85\udc80\ufffe\u202e ]]> <b>&amp; </pre><script>alert(1)</script>"
    grade.write(tmp_path, [course.load().find("3")], [_graded("ada", nasty, (nasty,)), _graded("=cmd", "ok")])
    failure = ElementTree.parse(tmp_path / "junit.xml").getroot().find(".//failure")
    assert failure is not None and failure.text is not None
    assert failure.text.startswith("\\x00\\x01\\x0b\\x0c\\x7f\\x85\\udc80\\ufffe\\u202e ]]> <b>&amp; </pre><script>")
    assert json.loads((tmp_path / "grades.json").read_text(encoding="utf-8"))["students"][0]["problems"][0] == failure.text
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<b>&amp;" not in page and "&lt;b&gt;&amp;amp;" in page
    assert "\x00" not in page and "\u202e" not in page
    assert list(csv.reader(io.StringIO((tmp_path / "grades.csv").read_text(encoding="utf-8"))))[2][0] == "'=cmd"


def test_messages_name_nothing_of_the_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOLINGS_TEST_TOKEN", "s3cr3t-t0k3n")
    said = f"argv[0] {sys.prefix}/lib/pytest/__main__.py, token s3cr3t-t0k3n, course {Path(course.__file__).parent}"
    data = grade.as_json([course.load().find("3")], [_graded("ada", said)])
    shown = data["students"][0]["topics"][0]["graders"][0]["message"]  # type: ignore[index]
    assert shown == "argv[0] <python>/lib/pytest/__main__.py, token <$AIOLINGS_TEST_TOKEN>, course <course>/graders"
    # What every run's /proc/self/environ shows (a fixed hash seed: the same set order in every grading's messages).
    assert set(forkserver.server_environment()) == {"PATH", "LANG", "PYTHONHASHSEED"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_student_s_run_gets_the_language_grading_was_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 lang: str) -> None:
    monkeypatch.setenv("AIOLINGS_LANG", lang)  # as `aiolings --lang` sets it
    monkeypatch.setenv("AIOLINGS_TEST_TOKEN", "s3cr3t-t0k3n")
    env = sandbox.student_environment(tmp_path, "nonce")
    assert env["AIOLINGS_LANG"] == lang and "AIOLINGS_TEST_TOKEN" not in env


def test_a_class_is_graded_in_the_language_it_started_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Students are graded in threads, each in a copy of the grading's context (grade.run): a change
    # to this process's environment meanwhile (another command's --lang) must not reach them.
    monkeypatch.setenv("AIOLINGS_LANG", "en")
    context = contextvars.copy_context()
    context.run(i18n.keep)
    monkeypatch.setenv("AIOLINGS_LANG", "zh")
    assert context.copy().run(lambda: sandbox.student_environment(tmp_path, "nonce")["AIOLINGS_LANG"]) == "en"
    assert i18n.language() == "zh"


def test_messages_name_no_grading_folder_even_through_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    scratch = str(tmp_path / "link")
    gather = course.load().find("3")
    report = tmp_path / "report.json"
    results = [{"nodeid": f"{where}/{gather.dir}/{gather.module}::{g}", "outcome": "failed", "message": f"cwd {tmp_path}/real/work"}
               for where in ("exercises", sandbox.CANARY) for g in ("test_a", "test_b")]
    report.write_text(json.dumps({"nonce": "n", "results": results}), encoding="utf-8")
    [verdict, _] = sandbox._read(report, "n", [gather], None, scratch)[gather.dir].verdicts
    assert verdict.message == "cwd <grading folder>/work"


def test_review_flags_what_a_person_should_see() -> None:
    gather = course.load().find("3")
    source = b"""import asyncio as aio, gc, sys
from graders import probes
from os import kill
import time

def f():
    frame = sys._getframe(1).f_back
    aio.sleep = None
    loop = aio.get_running_loop()
    loop.time = lambda: 0
    setattr(time, "monotonic", lambda: 0)
    exec("x = 1")
    mods = sys.modules
"""
    flags = {str(f) for f in review.scan(source, gather)}
    assert flags == {
        "03_gather: imports gc (line 1)", "03_gather: imports graders (line 2)", "03_gather: uses os.kill (line 3)",
        "03_gather: uses sys._getframe (line 7)", "03_gather: reads interpreter internals (f_back) (line 7)",
        "03_gather: replaces asyncio.sleep (line 8)", "03_gather: replaces the event loop's time (line 10)",
        "03_gather: replaces time.monotonic (line 11)", "03_gather: runs code this scan cannot read (exec) (line 12)",
        "03_gather: uses sys.modules (line 13)",
    }
    assert [str(f) for f in review.scan(b"((" * 100_000, gather)] == []  # does not parse: the graders say so
    assert review.scan(b"x = " + b"-" * 200_000 + b"1\n", gather)  # too deep to read: said, not crashed


def test_honest_answers_draw_no_review() -> None:
    """Every correct answer of every topic: nothing to look at, and none alike (they are other idioms)."""
    root = Path(__file__).resolve().parent
    for topic in course.load().topics:
        answers = {p.name: p.read_bytes() for p in sorted((root / "correct_answers" / topic.dir).glob("*.py"))}
        flagged = {n: [str(f) for f in review.scan(a, topic)] for n, a in answers.items()}
        assert {n: f for n, f in flagged.items() if f} == {}
        reference = {review.REFERENCE: topic.solution(root.parent).read_bytes()}
        assert [str(f) for _, f in review.alike(topic, answers, reference)] == []


def test_review_finds_a_copy_whatever_its_names_and_formatting() -> None:
    gather = course.load().find("3")
    original = (Path(__file__).resolve().parent / "correct_answers" / gather.dir / "queue_workers.py").read_bytes()
    renamed = original
    for old, new in ((b"jobs", b"tasks_to_do"), (b"results", b"out"), (b"worker", b"helper")):
        renamed = renamed.replace(old, new)
    copied = b'"""My own work."""\n# honest\n' + renamed.replace(b"    ", b"        ")
    edited = copied.replace(b"return list(", b"print(1)\n        return list(", 1)
    said: dict[str, list[str]] = {}
    for student, flag in review.alike(gather, {"ada": original, "bob": copied, "cy": edited}, {}):
        said.setdefault(student, []).append(str(flag))
    assert said["ada"] == ["03_gather: the same code (names and formatting aside) as bob",
                           "03_gather: nearly the same code (names and formatting aside) as cy (93%)"]
    assert said["cy"] == ["03_gather: nearly the same code (names and formatting aside) as ada (93%) and bob (93%)"]
