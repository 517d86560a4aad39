"""Running the installed graders on one student's files, treating the student's code as hostile.

Threat model. Student code runs inside the pytest process that grades it, so anything that
process can do, the student's code can do too. What this module guarantees:

- Only the manifest's topic modules reach the run, in a fresh temporary folder; pytest runs
  forked from graders/forkserver.py's server, isolated as `python -I` is (no PYTHONPATH, no user
  site, no folder of the student's on the import path; a fixed hash seed) with an empty ini of ours, so no
  conftest, ini or sitecustomize of the student's is read. The graders are the installed ones.
  The run closes every descriptor it inherited before pytest starts: it cannot reach the server.
- Limits: wall-clock time per topic, CPU seconds, address space, file size (a flood of output
  dies on it; output goes to /dev/null, never into memory), what its folder may hold (with mount
  namespaces: a tmpfs of Limits.disk over it, as its /tmp is), and no network but loopback: a new
  network namespace with `ip link set lo up` (as a non-root user, inside a user namespace),
  probed once per grading. When that fails the network is NOT cut off: the audit hook still
  refuses connections made from Python, `aiolings grade` warns, and grades.json says so.
- The kernel confines each run (Linux namespaces, made as root or inside a user namespace):
  a PID namespace of its own, whose PID 1 is the grading pytest, so the run sees no other
  process (not the fork server, not a classmate's run), cannot signal one, and everything it
  starts ends with it; and a mount namespace in which nothing of the machine is in sight but
  the system's folders (/usr, /etc...), the interpreter, the graders and its own folder (others'
  homes, the rest of the course, other folders of the instructor's look empty), the class's
  folders and the grade files look empty wherever they are, and the folders every user may
  write in (/tmp, /var/tmp, /dev/shm) are tmpfs mounts of its own, its own folder bound back in
  place: nothing it leaves there outlives it or reaches a classmate. Where namespaces cannot be made,
  `aiolings grade` warns and grades.json says so (`isolation`).
- As root, grading refuses to run unless each run can drop to a user of its own (this Python
  and the course readable by others, and setpriv): students' code never runs as root unless
  the instructor says `--allow-root`, and the warning then names root.
- As root (a container, Gradescope), each concurrent run drops to a user of its own
  (a uid from UID_BASE up, locked machine-wide, no groups, no new privileges): the course, the
  venv and other students' folders are then out of reach even for code that slips past the
  audit hook, RLIMIT_NPROC bounds its forks and threads, and at the end every process of that
  user is killed, including any that left the process group. As another user there is no drop:
  RLIMIT_NPROC would count all of that user's processes, so forks are bounded by the audit
  hook and by the process group being killed at the limit.
- In the grading process, an audit hook (graders/classroom/audit.py) refuses process starts, outbound
  connections, ctypes calls and writes outside the student's folder, from any thread. The one
  exception, the report, may be opened only by the plugin's own writing code (by code object).
  A pytest plugin registered while the graders run counts as a refused attempt.
- The verdicts are not taken on trust. The run also grades a canary, the pristine stub,
  after the student's file: every canary grader must fail, so a patch that turns failures
  into passes (pytest hooks, the plugin, the graders) shows itself. The report must carry a
  per-run nonce the plugin removes from the environment before any student code runs, and
  every grader must report exactly once. Anything else scores 0 for that topic, with why.

What remains possible: code that finds the nonce in memory and forges a report that fools
every check, or a patch aimed at the student's own graders only, sparing the canary (through
the objects the graders hand it, the collector, or frames). Such code is itself evidence: the
review (review.py) flags the ways to it that a reading of the file can see, and the HTML
report and grades.json keep each grader's message. A run forked while other runs' requests waited in the server's buffer holds their
nonces in memory too; their reports are out of its reach when each run has a user of its own.
Without one (not root), code that gets past the audit hook (a C extension shipped in the
submission cannot be: only topic modules are copied) could write wherever the instructor can.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import itertools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..harness import blocking
from ..harness.feedback import without_ports
from .. import course, forkserver
from ..i18n import language

CANARY = "canary"
# Folders every user may write in, on most Linux. A run covers each with a tmpfs of its own, in a mount namespace
# whose mounts it first makes private (forkserver._confine). /dev/shm was left out once, after a tmpfs was found
# stacked on the host's /dev/shm in CI's chroots (whose /dev is the host's, bound) following a CI run killed
# mid-way; clean-clone CI in both chroots, /dev/shm covered, leaves the host's mount table as it was.
SHARED_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")
STARTUP = 15.0  # seconds for the grading process to start and collect, on a busy machine
UID_BASE = 2_000_000_000  # far above any real user's or a user namespace's range
# pytest's plugins for what a person reads (captured logs and warnings, crash dumps, junit,
# doctests...): the verdicts come from the report and the output goes nowhere. 16% of a run.
UNREAD = [f"-pno:{name}" for name in ("logging", "warnings", "faulthandler", "junitxml", "doctest", "pastebin",
                                        "stepwise", "legacypath", "setuponly", "setupplan")]


@dataclass(frozen=True)
class Limits:
    grader: float = 10.0  # seconds of real time for one grader; a topic's process gets its graders' sum, plus start-up
    memory: int = 2 * 1024**3  # bytes of address space
    file_size: int = 20 * 1024**2  # bytes per written file, captured output included
    disk: int = 64 * 1024**2  # bytes its own folder may hold (with forkserver.DISK_FILES files), like its /tmp
    tasks: int = 128  # processes and threads, when the run has a user of its own


@dataclass(frozen=True)
class Verdict:
    grader: str
    passed: bool
    message: str


@dataclass(frozen=True)
class TopicResult:
    topic: str
    verdicts: tuple[Verdict, ...]
    problem: str | None = None  # why the whole topic scores 0, in one sentence
    own: bool = False  # the problem is this topic's own code's doing: grading it alone would not change it


@functools.cache
def loopback_only() -> bool:
    """Whether a grading process can have a network namespace of its own with only loopback up."""
    return shutil.which("ip") is not None and forkserver.can_confine(forkserver.Confinement(loopback_only=True))


@functools.cache
def own_pids_and_mounts() -> bool:
    """Whether a grading process can have PID and mount namespaces of its own: it then sees no
    other process (the server, classmates' runs) and everything it starts dies with it, and the
    folders handed to `grade_topics` as hidden look empty to it."""
    folder = tempfile.mkdtemp(prefix="aiolings-probe-")  # kept in sight under a tmpfs of its own, as a run's is
    # As a run covers folders (_run): never one that holds the interpreter or the graders (a course cloned into /tmp).
    covered = _not_holding(sorted({tempfile.gettempdir(), *SHARED_WRITABLE}), _holding_the_run(folder)[1:])
    try:
        return forkserver.can_confine(forkserver.Confinement(own_pids=True, hidden=covered, private=covered, kept=folder,
                                                             shown=_in_sight(folder), writable=folder, disk=1 << 20))
    finally:
        os.rmdir(folder)


@functools.cache
def own_users() -> bool:
    """Whether each run can get a user of its own: as root, with setpriv (to end that user's
    processes), and with this Python and the course readable by others (a virtual environment
    made by `mktemp -d` is not)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    return forkserver.can_confine(forkserver.Confinement(uid=UID_BASE))


def isolation() -> dict[str, str]:
    """What protects this machine during grading, in words for grades.json and warnings."""
    me = "root" if os.geteuid() == 0 else _user_name()
    return {
        "network": "loopback only (a new network namespace)" if loopback_only()
        else "NOT cut off: no network namespace can be made here; only connections made from Python are refused",
        "processes and files": "a PID namespace of its own (no other process in sight; all it starts ends with it) "
        "and a mount namespace in which only the system's folders, the interpreter, the graders and its own folder "
        "are in sight (the class, the grade files, the rest of the course and everyone's homes look empty), "
        "and /tmp, /var/tmp and /dev/shm are its own (what it leaves there goes with it)"
        if own_pids_and_mounts()
        else "NOT confined: no PID or mount namespace can be made here; other processes and the class's folders are "
        "in reach of code that slips past the audit hook",
        "user": "a user of its own per run, with its processes and threads limited" if own_users()
        else f"{me}, the user running aiolings grade: code that slips past the audit hook can do whatever {me} can",
    }


def _holding_the_run(scratch: str) -> list[Path]:
    """What holds the run itself: its folder, the interpreter, the graders."""
    return [Path(scratch), Path(sys.prefix), Path(sys.base_prefix), Path(course.__file__).parent]


def _not_holding(folders: Iterable[str], needed: list[Path]) -> tuple[str, ...]:
    """The folders, of `folders`, that exist and hold none of `needed`: covering one that did would hide it."""
    return tuple(f for f in folders if os.path.isdir(f)
                 and not any(n.resolve().is_relative_to(Path(f).resolve()) for n in needed))


def _in_sight(scratch: str) -> tuple[str, ...]:
    """What a run needs to see besides the system's folders and its import path (forkserver.SYSTEM): what holds
    it, `ip`, and /var/tmp (its own by then). Nothing else of the machine."""
    ip = shutil.which("ip")
    return tuple(p for p in (*map(str, _holding_the_run(scratch)), os.path.dirname(ip) if ip else "", "/var/tmp")
                 if p and os.path.isdir(p))


def _user_name() -> str:
    import pwd  # POSIX only, as is grading

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid {os.geteuid()}"


def root_refusal() -> str | None:
    """Why grading must not run here as it stands, or None: run as root, each student's code must
    get a user of its own, and it cannot (`own_users`), so it would run as root."""
    if os.geteuid() != 0 or own_users():
        return None
    if shutil.which("setpriv") is None:
        why, fix = "setpriv (util-linux) is not installed", "install util-linux"
    else:
        python = Path(sys.executable).resolve()
        why = (f"this Python ({python}) or the installed course is not readable by other users, so a run "
               "dropped to a user of its own could not import what it needs")
        fix = ("install the course in a virtual environment made from a Python every user can read, for example "
               "`/usr/bin/python3 -m venv /opt/aiolings` (not under /root, not a `mktemp -d` folder)")
    return (f"aiolings grade will not run students' code as root: {why}. To fix it, {fix}; or run aiolings grade "
            "as an ordinary user. `--allow-root` grades anyway, with students' code running as root.")


@contextlib.contextmanager
def _user() -> Iterator[int | None]:
    """A uid no other run on this machine is using, or None when runs cannot have their own.

    Held with a lock file per uid, not in memory: two `aiolings grade` at once must not share a
    user, or one's final kill(-1) would end the other's runs. The kernel drops a dead holder's lock."""
    if not own_users():
        yield None
        return
    import fcntl  # POSIX only: instructor grading is Linux-only (see grade.py)

    locks = Path(tempfile.gettempdir()) / "aiolings-users"
    locks.mkdir(mode=0o700, exist_ok=True)
    for slot in itertools.count():
        with open(locks / str(slot), "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            yield UID_BASE + slot
            return


@contextlib.contextmanager
def _scratch() -> Iterator[str]:
    """A temporary folder, removed under blocking.SWAPPING: in the test suite, graders run in its
    process beside `aiolings grade`'s threads, and a swap would break shutil.rmtree (see there)."""
    folder = tempfile.TemporaryDirectory(prefix="aiolings-grade-")
    try:
        yield folder.name
    finally:
        with blocking.SWAPPING:
            folder.cleanup()


def _as_user(uid: int) -> list[str]:
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs", "--"]


def grade_topics(files: dict[str, bytes], topics: list[course.Topic], *, seed: int, limits: Limits,
                 hidden: tuple[str, ...] = ()) -> list[TopicResult]:
    """All `topics` for one student. One process for all of them first (fast); any topic whose
    result that run cannot vouch for is graded again in a process of its own. `hidden` folders
    (the class, the grade files) look empty to the student's code, where the kernel allows."""
    present = [t for t in topics if t.dir in files]
    results = {t.dir: TopicResult(t.dir, (), "no file for this topic in the submission") for t in topics if t.dir not in files}
    hidden = (*hidden, *course_extras())
    if present:
        together = _run(files, present, seed=seed, limits=limits, hidden=hidden)
        for topic in present:
            result = together[topic.dir]
            alone = len(present) == 1  # then the run above was already the topic on its own
            if not alone and result.problem is not None and not result.own:
                result = _run(files, [topic], seed=seed, limits=limits, hidden=hidden)[topic.dir]
            results[topic.dir] = result
    return [results[t.dir] for t in topics]


def course_extras() -> tuple[str, ...]:
    """The course's folders beside the installed graders, in a clone installed with `pip install -e`:
    reference solutions, answers and tests, none of which a student's run has any business reading."""
    root = Path(course.__file__).resolve().parent.parent
    return tuple(str(root / name) for name in ("solutions", "tests", "exercises", "benchmarks", ".git")  # .git holds them all
                 if (root / name).is_dir())


def graders_of(topic: course.Topic) -> int:
    return sum(name.startswith("test_") for name in vars(importlib.import_module(topic.graders)))


def _run(files: dict[str, bytes], topics: list[course.Topic], *, seed: int, limits: Limits,
         hidden: tuple[str, ...]) -> dict[str, TopicResult]:
    seconds = STARTUP + limits.grader * sum(graders_of(t) for t in topics)
    with _user() as uid, _scratch() as scratch:
        work, private = Path(scratch) / "work", Path(scratch) / "private"
        work.mkdir()
        private.mkdir()
        targets, canaries = [], []
        for topic in topics:
            target = work / "exercises" / topic.dir / topic.module
            target.parent.mkdir(parents=True)
            target.write_bytes(files[topic.dir])
            canary = work / CANARY / topic.dir / topic.module
            canary.parent.mkdir(parents=True)
            shutil.copyfile(topic.stub(), canary)
            targets.append(str(target.relative_to(work)))
            canaries.append(str(canary.relative_to(work)))
        ini = private / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        report = private / "report.json"
        nonce = secrets.token_hex(16)
        args = [
            "-q", "-c", str(ini), "--rootdir", str(work), "-p", "no:cacheprovider", "-p", "no:anyio", "--assert=plain",
            *UNREAD, f"--aiolings-seed={seed}", f"--timeout={limits.grader:g}", f"--aiolings-report={report}",
            *targets, *canaries,
        ]
        (work / ".tmp").mkdir()
        if uid is not None:
            # Its user may write in its folder and the report's; the files under test and the canaries stay root's.
            os.chmod(scratch, 0o711)
            for path in (work, work / ".tmp", private):
                os.chown(path, uid, uid)
                os.chmod(path, 0o700)  # mkdir's 0o755 let a classmate's concurrent run read this one's files
        env = student_environment(work, nonce)
        needed = _holding_the_run(scratch)  # no folder that holds one of these is hidden
        hidden = _not_holding(hidden, needed)
        # Where anyone may write, a tmpfs of the run's own: only its own folder stays in sight there (bound back).
        private = _not_holding(sorted({tempfile.gettempdir(), *SHARED_WRITABLE}), needed[1:])
        ended = _execute(args, work, env, limits, seconds, uid, hidden, private, scratch, report.with_suffix(".progress"),
                         [t.graders for t in topics])
        return _read(report, nonce, topics, ended, scratch, hidden)


def student_environment(work: Path, nonce: str) -> dict[str, str]:
    """What a student's run needs, and nothing of the instructor's (their PATH names their folders):
    the feedback's language is the one grading was asked for (`aiolings --lang zh grade`)."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8",
            "AIOLINGS_LANG": language(), "TMPDIR": str(work / ".tmp"), "AIOLINGS_NONCE": nonce,
            "AIOLINGS_STUDENTS": str(work / "exercises"), "AIOLINGS_WRITABLE": str(work)}


def _execute(
    args: list[str], cwd: Path, env: dict[str, str], limits: Limits, seconds: float, uid: int | None,
    hidden: tuple[str, ...], private: tuple[str, ...], scratch: str, progress: Path, preload: list[str],
) -> str | None:
    """Run with limits; if it did not end normally, say how it ended. Its output is thrown away:
    the verdicts come from the report, and a flood of output must not cost memory here.

    The run's own alarm stops a grader at its limit; this parent also watches the run's progress
    (a line per grader started) and stops it when one grader has run GRACE past its limit, so
    code that turns the alarm off costs one grader's limit, not the whole topic's."""
    namespaces = own_pids_and_mounts()
    confinement = forkserver.Confinement(
        cpu=int(seconds) + 5, memory=limits.memory, file_size=limits.file_size, loopback_only=loopback_only(),
        # Without a user of its own, RLIMIT_NPROC would count every process of the instructor's user.
        tasks=limits.tasks if uid is not None else None, uid=uid,
        own_pids=namespaces, hidden=hidden if namespaces else (), private=private if namespaces else (),
        kept=scratch if namespaces else None, shown=_in_sight(scratch) if namespaces else (),
        writable=str(cwd) if namespaces else None, disk=limits.disk if namespaces else None,
    )
    process = forkserver.start(args, cwd=cwd, env=env, output=None, confinement=confinement, isolated=True,
                               preload=preload)
    ended = None
    try:
        ended = _watch(process, seconds, limits.grader, progress)
    finally:
        process.kill()  # forks and threads it left behind go too
        if uid is not None:  # and those that left the group: kill(-1) as that user reaches all of its processes
            subprocess.run([*_as_user(uid), "kill", "-KILL", "-1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        returncode = process.wait()
    if ended is None and returncode == forkserver.SETUP_FAILED:
        ended = "the grading process could not confine itself (see the instructor's terminal)"
    elif ended is None and returncode < 0:
        ended = f"the grading process was killed by {signal.Signals(-returncode).name} (a limit on CPU time, memory or output size)"
    return ended


# Seconds past a grader's limit before the parent stops the run itself: time for the run's own alarm to end the
# grader and say so on a loaded machine. (A grace of the limit itself, 0.5 s in the tests, was tried: under load
# prints_100_mb then failed with another reason once.)
GRACE = 2.0


def _watch(process: forkserver.Process, seconds: float, limit: float, progress: Path) -> str | None:
    """Wait for the run: at most `seconds` in all, and a grader's `limit` and GRACE after a
    grader started (STARTUP more for the first). None when it ended; else how it was stopped."""
    per_grader = limit + GRACE
    started = time.monotonic()
    seen, since = 0, started
    while True:
        try:
            process.wait(timeout=0.1)
            return None
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        try:
            size = progress.stat().st_size
        except OSError:
            size = 0
        if size != seen:
            seen, since = size, now
        if now - started > seconds:
            return f"it was still running after {seconds:g} s and was stopped"
        if now - since > (per_grader if seen else STARTUP + per_grader):
            return (f"a grader ran past its limit of {limit:g} s (the run's own alarm did not stop it), so "
                    "the run was stopped")


def _read(
    report: Path, nonce: str, topics: list[course.Topic], ended: str | None, scratch: str, hidden: tuple[str, ...] = ()
) -> dict[str, TopicResult]:
    def plain(text: str) -> str:
        # The same words in every run, for identical grade files: no temporary folder, no port the OS picked.
        # Its real path too: the run's working folder is resolved, and TMPDIR may go through a link.
        for folder in sorted({scratch, os.path.realpath(scratch)}, key=len, reverse=True):
            text = text.replace(folder, "<grading folder>")
        # Nor the folders hidden from it (the class, the grade files), which it may still name from /proc/self/mountinfo.
        for folder in sorted({f for h in hidden for f in (h, os.path.realpath(h))}, key=len, reverse=True):
            text = text.replace(folder, "<hidden folder>")
        return without_ports(text)

    def all_zero(problem: str) -> dict[str, TopicResult]:
        return {t.dir: TopicResult(t.dir, (), problem) for t in topics}

    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return all_zero(ended or "the grading process ended without reporting (did the code exit the interpreter?)")
    if not isinstance(data, dict) or data.get("nonce") != nonce or not isinstance(data.get("results"), list):
        return all_zero("the report of the grading run was not written by the graders")
    refused: dict[str, list[str]] = {}  # by topic dir; "" for attempts made with none of the student's frames on the stack
    for attempt in data.get("refused", []):
        file = str(attempt.get("file", ""))
        how = f"line {attempt.get('line')}" if file else str(attempt.get("how") or "from a thread or a callback")
        where = f"{attempt.get('what')} ({how})"
        refused.setdefault(Path(file).parent.name if file else "", []).append(where)
    try:  # the grader running when the run was stopped, if it was: that topic's own code held it up
        last = (report.with_suffix(".progress").read_text(encoding="utf-8", errors="replace").splitlines() or [""])[-1]
    except OSError:
        last = ""
    by_target: dict[str, list[tuple[str, str, str]]] = {}
    for entry in data["results"]:
        target, _, grader = str(entry.get("nodeid", "")).partition("::")
        by_target.setdefault(target, []).append((grader, str(entry.get("outcome")), str(entry.get("message", ""))))
    results = {}
    for topic in topics:
        mine = by_target.get(f"exercises/{topic.dir}/{topic.module}", [])
        canary = by_target.get(f"{CANARY}/{topic.dir}/{topic.module}", [])
        graders = [g for g, _, _ in canary]
        if not canary or any(outcome != "failed" for _, outcome, _ in canary):
            results[topic.dir] = TopicResult(topic.dir, (), "the graders' own canary did not fail as it must: the code "
                                             "under test interfered with the grading, so its results cannot be trusted")
        elif topic.dir in refused:
            results[topic.dir] = TopicResult(topic.dir, (), plain("the code tried what grading does not allow: "
                                                                  + "; ".join(sorted(set(refused[topic.dir])))), own=True)
        elif "" in refused:  # whose, is certain only when the topic ran alone
            results[topic.dir] = TopicResult(topic.dir, (), plain("the code tried what grading does not allow: "
                                                                  + "; ".join(sorted(set(refused[""])))), own=len(topics) == 1)
        elif sorted(g for g, _, _ in mine) != sorted(graders):
            results[topic.dir] = TopicResult(topic.dir, (), ended or "not every grader reported exactly once: the file "
                                             "could not be collected, or the run was cut short",
                                             own=ended is not None and last.startswith(f"exercises/{topic.dir}/"))
        else:
            results[topic.dir] = TopicResult(
                topic.dir, tuple(Verdict(g, outcome == "passed", plain(message)) for g, outcome, message in mine)
            )
    return results
