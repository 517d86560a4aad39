"""Grading processes forked from one that has already imported pytest, its plugins and the graders.

A fresh `python -m pytest` spends 0.5-1.4 s of CPU importing before it grades anything, more than
most topics take to grade; a fork of a process that did it once starts grading at once (measured
on the 2-core machine: 0.21-0.37 s of CPU per topic, against 0.75-1.4 s). `aiolings watch`,
`list` and `grade` and the project's own tests start many such processes.

The server imports those modules one at a time while it has no request waiting, so a request
made meanwhile is no slower than a new Python would be. A lone `aiolings check` starts no server:
it forks itself (`Forked`), and costs no more than a plain `pytest` (benchmarks/learner_loop.py).

The server (`python -s -P -m graders.forkserver`) reads one JSON request per line on stdin and
answers on stdout: {"id", "pid"} once the child exists, {"pid", "returncode"} once it has ended
(as subprocess reports it: negative for a signal). A child takes its own session, working
folder, environment and output file, confines itself as asked (limits, a network namespace
with only loopback up, a user of its own), closes every descriptor it inherited, and only then
runs pytest: code under test cannot reach the server. The server stops when its stdin closes,
killing what it started.
"""

from __future__ import annotations

import atexit
import collections
import ctypes
import functools
import gc
import importlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn

# What every grading run imports; a topic's graders (and aiohttp, for those that need it) are
# preloaded once a request names them (`start`'s `preload`): a learner's `watch` needs one topic's.
PRELOAD = ("pytest", "pytest_asyncio", "pytest_timeout", "looptime", "looptime._internal.plugin", "graders.plugin",
           "pdb", "sqlite3", "xml.etree.ElementTree")
SETUP_FAILED = 125
STARTED_WITHIN = 5.0  # seconds for the server to say a child exists; past that it is stuck, and replaced
CLONE_NEWNET, CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID = 0x40000000, 0x10000000, 0x00020000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 0x1000, 0x4000, 0x40000
# The system's folders, left in sight when a child is shown only what it needs: programs, libraries, configuration
# (name lookups, certificates, time zones), devices, and /proc, its own by then. Not /tmp: where the course or the
# interpreter lives there, /tmp is not a tmpfs of the run's own (sandbox._run), and is covered like any other.
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/dev", "/proc", "/sys")
PR_SET_NO_NEW_PRIVS = 38
DISK_FILES = 10_000  # files and folders a run's own folder may hold (Confinement.disk)


@dataclass(frozen=True)
class Confinement:
    """What a child does to itself before grading: limits, network and user."""

    cpu: int | None = None  # seconds
    memory: int | None = None  # bytes of address space
    file_size: int | None = None  # bytes per written file
    tasks: int | None = None  # processes and threads of its user
    loopback_only: bool = False  # a network namespace of its own with only loopback up
    uid: int | None = None  # run as this user and group, with no groups and no new privileges (needs root)
    own_pids: bool = False  # a PID namespace of its own: it sees no other process, and all of it dies with it
    hidden: tuple[str, ...] = ()  # folders it sees empty (a mount namespace of its own, each under an empty tmpfs)
    # Folders every user may write in (/tmp, /var/tmp) it gets a tmpfs of its own over, gone when it ends:
    # nothing it leaves there outlives it or reaches another run. `kept` is its own folder in one of them,
    # which it still sees there.
    private: tuple[str, ...] = ()
    kept: str | None = None
    # Folders it must see beside the system's (SYSTEM) and its own import path: with any given, nothing else of
    # the machine is in sight (others' homes, other checkouts of the course, other classes' grade files), see `_show_only`.
    shown: tuple[str, ...] = ()
    # The one folder it may write in, and how much it may hold there: a tmpfs of `disk` bytes and DISK_FILES files
    # over it, with a copy of what it held, so that a run cannot fill the machine's disk (one did: 1.1 GB, 30,000 files).
    writable: str | None = None
    disk: int | None = None

    @property
    def own_mounts(self) -> bool:
        """Whether any of the above needs a mount namespace of its own."""
        return bool(self.hidden or self.private or self.shown or self.disk)


# The client: one server per process that grades, started on first use.


class Process:
    """A child of the server: the part of subprocess.Popen that grading uses.

    Starting one does not wait for the server's answer (a busy machine may take a while to give
    it), so that a caller starting many has them all requested at once."""

    def __init__(self, server: _Server | None = None) -> None:
        self.server = server
        self.pid = 0  # known once started
        self.returncode: int | None = None
        self._started = threading.Event()
        self._ended = threading.Event()

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(f"grading process {self.pid}", timeout or 0)
        if self.returncode is None:
            raise RuntimeError("the aiolings fork server stopped")
        return self.returncode

    def poll(self) -> int | None:
        return self.returncode if self._ended.is_set() else None

    def kill(self) -> None:
        """Kill the child's whole process group: its forks go too. A server that never said the
        child exists (stopped or stuck) is replaced: nothing waits on it forever."""
        if not self._started.wait(timeout=STARTED_WITHIN):
            if self.server is not None:
                self.server.abandon()
            return
        if self.poll() is None and self.pid:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def server_environment() -> dict[str, str]:
    """The server's own environment. Every child's /proc/self/environ shows it, whatever
    environment the child is given later (that file is what the process started with), so it
    holds nothing of the caller's: no tokens, no folders; only where to find `ip`."""
    folders = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
    ip = shutil.which("ip")
    if ip and os.path.dirname(ip) not in folders:
        folders.append(os.path.dirname(ip))
    # A fixed hash seed: a set is shown, and iterated, in the same order in every run (verdicts and grade files
    # depend on the file and the seed only).
    return {"PATH": ":".join(folders), "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}


class _Server:
    def __init__(self) -> None:
        # Started in /, with -s -P and an environment of its own: no folder of anyone's is on the children's
        # import path, as with -I (isolated), which would also ignore the fixed hash seed of server_environment.
        self.process = subprocess.Popen([sys.executable, "-s", "-P", "-m", "graders.forkserver"], cwd="/",
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=server_environment())
        self.lock = threading.Lock()
        self.by_id: dict[int, Process] = {}
        self.by_pid: dict[int, Process] = {}
        self.next_id = 0
        threading.Thread(target=self._read, name="aiolings-forkserver", daemon=True).start()

    def start(self, request: dict[str, Any]) -> Process:
        process = Process(self)
        with self.lock:
            self.next_id += 1
            self.by_id[self.next_id] = process
            line = json.dumps({"id": self.next_id, **request}) + "\n"
            assert self.process.stdin is not None
            self.process.stdin.write(line.encode())
            self.process.stdin.flush()
        return process

    def alive(self) -> bool:
        return self.process.poll() is None

    def abandon(self) -> None:
        """Kill a server that stopped answering (the next request starts another); whoever waits
        on one of its children is released, as when a server dies (see `_read`)."""
        self.process.kill()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            answer = json.loads(line)
            with self.lock:
                if "id" in answer:
                    process = self.by_id.pop(answer["id"])
                    process.pid = answer["pid"]
                    self.by_pid[process.pid] = process
                    process._started.set()
                else:
                    process = self.by_pid.pop(answer["pid"])
                    process.returncode = answer["returncode"]
                    process._ended.set()
        with self.lock:  # the server is gone: nobody waits forever
            for process in [*self.by_id.values(), *self.by_pid.values()]:
                process._started.set()
                process._ended.set()

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


_server: _Server | None = None
_server_lock = threading.Lock()


def prepare() -> None:
    """Start the server now, so that its imports overlap whatever the caller does next."""
    if forks():
        _running()


def _running() -> _Server:
    global _server
    with _server_lock:
        if _server is None or not _server.alive():
            _server = _Server()
            atexit.register(_server.stop)
        return _server


@functools.cache
def forks() -> bool:
    """Whether grading processes are forked from the server here. Not where os.fork is missing
    (Windows), nor with AIOLINGS_NO_FORK set, which is how the tests prove the other way on Linux:
    a new `python -m pytest` per run, slower to start, the same verdicts. Decided once per process."""
    return hasattr(os, "fork") and not os.environ.get("AIOLINGS_NO_FORK")


class Spawned(Process):
    """A grading process started as a new Python, where there is no fork server."""

    def __init__(self, args: Sequence[str], *, cwd: Path, env: dict[str, str], output: Path | None, isolated: bool) -> None:
        super().__init__()
        with open(output or os.devnull, "wb") as sink:
            self.popen = subprocess.Popen([sys.executable, *(["-I"] if isolated else []), "-m", "pytest", *args],
                                          cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT)
        self.pid = self.popen.pid
        self._started.set()

    def wait(self, timeout: float | None = None) -> int:
        self.returncode = self.popen.wait(timeout)
        return self.returncode

    def poll(self) -> int | None:
        self.returncode = self.popen.poll()
        return self.returncode

    def kill(self) -> None:
        self.popen.kill()


class Forked(Process):
    """A lone grading process forked from the caller itself, which then needs no server: the child
    runs pytest as a server's child would (see `_child`), sharing what the caller had imported."""

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # else the child would write what the caller has buffered into its own output
        gc.freeze()  # as the server does: the child's collector never walks, so never copies, the caller's heap
        pid = os.fork()
        if pid == 0:
            _child(request)
        self.pid = pid
        self._started.set()
        threading.Thread(target=self._reap, name="aiolings-lone-run", daemon=True).start()

    def _reap(self) -> None:
        _, status = os.waitpid(self.pid, 0)
        self.returncode = os.waitstatus_to_exitcode(status)
        self._ended.set()


def start(args: Sequence[str], *, cwd: Path, env: dict[str, str], output: Path | None,
          confinement: Confinement = Confinement(), isolated: bool = False, lone: bool = False,
          preload: Sequence[str] = ()) -> Process:
    """Run `pytest args` in a forked child; its stdout and stderr go to `output` (None: nowhere).
    The server preloads the modules named in `preload` (the graders of the topics graded) for
    the runs that follow.

    `isolated` keeps `cwd` off the import path, as `python -I` does; otherwise it comes first,
    as with `python -m pytest`. Without a fork server (see `forks`) the run is a new Python, and
    cannot be confined. A `lone` run where no server is up yet is forked from the caller itself:
    starting a server (it preloads pytest and the graders) would cost a single check twice
    the CPU of a plain pytest, and a new Python re-imports what the caller has. Not from a caller
    with other threads, though: a lock one of them held at the fork would stay held in the child."""
    request = {"args": list(args), "cwd": str(Path(cwd).resolve()), "env": env, "output": str(output) if output else None,
               "isolated": isolated, "confinement": asdict(confinement), "preload": list(preload)}
    alone = lone and _server is None and confinement == Confinement()  # no server to ask, and none worth starting
    if forks() and alone and threading.active_count() == 1:
        return Forked(request)
    if not forks() or alone:
        if confinement != Confinement():
            raise RuntimeError("confining a grading process needs the fork server, which needs Linux")
        return Spawned(args, cwd=cwd, env=env, output=output, isolated=isolated)
    return _running().start(request)


def can_confine(confinement: Confinement) -> bool:
    """Whether a child can confine itself so here, and then still find the graders' pytest plugin."""
    # No pytest arguments: the child only probes (see `_probe`).
    process = start([], cwd=Path("/"), env={}, output=None, confinement=confinement, isolated=True)
    return process.wait(timeout=60) == 0


# The server.


def serve() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the command that started us; it stops us by closing stdin
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    # Requests come first: a child forked before preloading is done imports the rest itself, as a
    # new Python would, so a single `aiolings check` never waits for modules it does not need.
    preloads = collections.deque([*PRELOAD, "_pytest.config"])
    children: set[int] = set()
    pending = b""
    try:
        while True:
            ready, _, _ = select.select([0, wake_read], [], [], 0 if preloads else None)
            if not ready and preloads:
                _preload_next(preloads)
                continue
            if wake_read in ready:
                os.read(wake_read, 4096)
                _reap(children)
            if 0 in ready:
                chunk = os.read(0, 1 << 16)
                if not chunk:
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    request = json.loads(line)
                    preloads.extend(name for name in request["preload"] if name not in sys.modules and name not in preloads)
                    gc.freeze()  # children inherit a heap their collector never walks: no copying, no time spent on it
                    pid = os.fork()
                    if pid == 0:
                        _child(request)
                    children.add(pid)
                    _answer({"id": request["id"], "pid": pid})
    finally:
        for pid in children:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _preload_next(preloads: collections.deque[str]) -> None:
    name = preloads.popleft()
    module = importlib.import_module(name)
    if name == "_pytest.config":  # pytest's own plugins, which it imports only as a session starts
        preloads.extendleft(reversed([f"_pytest.{plugin}" for plugin in module.default_plugins]))
    if name == "graders.plugin":  # every run reads the manifest: parsed once here, not in each child
        importlib.import_module("graders.course").load()


def _reap(children: set[int]) -> None:
    while children:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            return
        children.discard(pid)
        _answer({"pid": pid, "returncode": os.waitstatus_to_exitcode(status)})


def _answer(message: dict[str, int]) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())


def _child(request: dict[str, Any]) -> NoReturn:
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()
        os.chdir(request["cwd"])
        confinement = Confinement(**{**request["confinement"], "hidden": tuple(request["confinement"]["hidden"]),
                                     "private": tuple(request["confinement"]["private"]),
                                     "shown": tuple(request["confinement"]["shown"])})
        _enter_namespaces(confinement)
        _confine(confinement)
        output = os.open(request["output"] or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.environ.clear()
        os.environ.update(request["env"])
        if not request["isolated"]:
            sys.path.insert(0, request["cwd"])
        sys.dont_write_bytecode = True
        tempfile.tempdir = None  # read TMPDIR again
        args = request["args"]
    except BaseException as error:  # noqa: BLE001 - the child must never return into the server's loop
        if request["args"]:  # a probe (`can_confine`) failing is an answer, not news for the person
            os.write(2, f"aiolings: a grading process could not start: {error!r}\n".encode())
        os._exit(SETUP_FAILED)
    code = 1
    try:
        code = int(_pytest_main(args)) if args else _probe()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def _pytest_main(args: list[str]) -> int:
    import pytest

    sys.argv = [str(Path(pytest.__file__).with_name("__main__.py")), *args]  # as `python -m pytest` sees it
    return pytest.main(args)


def _probe() -> int:
    """0 if this confined child could grade: what it has yet to import, it can still read. (An
    interpreter under /root, or a virtual environment made by `mktemp -d`, is closed to others.)"""
    import graders

    plugins = metadata.entry_points(group="pytest11")
    readable = all(os.access(path, os.R_OK) for path in (os.__file__, graders.__file__))
    return 0 if readable and any(p.value.startswith("graders.") for p in plugins) else 1


def _libc_call(name: str, *args: Any) -> None:
    """A libc call that returns 0 or fails with errno (unshare, mount, prctl)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if getattr(libc, name)(*args) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{name}: {os.strerror(error)}")


def _enter_namespaces(confinement: Confinement) -> None:
    """The kernel's confinement, asked for in one unshare: network, mounts, process IDs.

    Only root may make namespaces outright; another user makes a user namespace first, in which
    it is root. With a PID namespace the process forks once more: its child is the namespace's
    PID 1, which runs pytest, sees no process outside and takes every process it started with it
    when it ends. This process only waits for it and ends the same way, for the server to report.
    """
    flags = ((CLONE_NEWNET if confinement.loopback_only else 0)
             | (CLONE_NEWNS if confinement.own_mounts else 0)
             | (CLONE_NEWPID if confinement.own_pids else 0))
    if not flags:
        return
    if os.geteuid() == 0:
        _libc_call("unshare", flags)
    else:
        uid, gid = os.geteuid(), os.getegid()
        _libc_call("unshare", CLONE_NEWUSER | flags)
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
        Path("/proc/self/gid_map").write_text(f"0 {gid} 1")
    if not confinement.own_pids:
        return
    pid = os.fork()
    if pid == 0:
        return  # PID 1 of the new namespace: it goes on to grade
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the server's pipes among them
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):  # killed: be killed the same way, so that the server says so
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.waitstatus_to_exitcode(status))


def _confine(confinement: Confinement) -> None:
    import resource  # POSIX only, like the fork server itself

    if confinement.own_pids:  # a /proc of this namespace's processes only
        _libc_call("mount", b"none", b"/", None, MS_REC | MS_PRIVATE, None)
        _libc_call("mount", b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    if confinement.own_mounts:
        _libc_call("mount", b"none", b"/", None, MS_REC | MS_PRIVATE, None)  # nothing done here reaches the host
    if confinement.private:
        # Its own folder, held open while a tmpfs covers the folder it lives in, then bound back in place.
        kept = os.open(confinement.kept, os.O_RDONLY | os.O_DIRECTORY) if confinement.kept else None
        for folder in confinement.private:
            if os.path.isdir(folder):
                _libc_call("mount", b"tmpfs", os.fsencode(folder), b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                           b"size=64m,mode=1777")
        if kept is not None and confinement.kept is not None:
            os.makedirs(confinement.kept, exist_ok=True)
            _libc_call("mount", f"/proc/self/fd/{kept}".encode(), os.fsencode(confinement.kept), None, MS_BIND, None)
            os.close(kept)
    if confinement.writable and confinement.disk:
        _quota(confinement.writable, confinement.disk)
    if confinement.shown:
        _show_only((*confinement.shown, *sys.path))
    for folder in confinement.hidden:
        if os.path.isdir(folder):
            _empty(folder)
    if confinement.loopback_only:
        subprocess.run([shutil.which("ip") or "ip", "link", "set", "lo", "up"], check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    limits = ((resource.RLIMIT_CPU, confinement.cpu), (resource.RLIMIT_AS, confinement.memory),
              (resource.RLIMIT_FSIZE, confinement.file_size), (resource.RLIMIT_NPROC, confinement.tasks))
    for which, value in limits:
        if value is not None:
            resource.setrlimit(which, (value, value))
    if confinement.uid is not None:
        os.setgroups([])
        os.setresgid(confinement.uid, confinement.uid, confinement.uid)
        os.setresuid(confinement.uid, confinement.uid, confinement.uid)
        _libc_call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def _empty(folder: str) -> None:
    """`folder` looks empty, and cannot be written: an empty read-only tmpfs covers it."""
    _libc_call("mount", b"tmpfs", os.fsencode(folder), b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
               b"size=4k,mode=0555")


def _quota(folder: str, size: int) -> None:
    """`folder` holds at most `size` bytes and DISK_FILES files from now on: a tmpfs covers it, holding a copy of
    what it held (owners and modes kept), and this process works in it, not in the folder it covers."""
    source = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    original = f"/proc/self/fd/{source}"
    _libc_call("mount", b"tmpfs", os.fsencode(folder), b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
               f"size={size},nr_inodes={DISK_FILES},mode=0700".encode())
    for root, folders, files in os.walk(original):
        copy = os.path.normpath(os.path.join(folder, os.path.relpath(root, original)))
        for name in folders:
            os.mkdir(os.path.join(copy, name))
        for name in files:
            shutil.copyfile(os.path.join(root, name), os.path.join(copy, name), follow_symlinks=False)
        for name in (".", *folders, *files):
            stat = os.lstat(os.path.join(root, name))
            os.chown(os.path.join(copy, name), stat.st_uid, stat.st_gid, follow_symlinks=False)
            if not os.path.islink(os.path.join(copy, name)):
                os.chmod(os.path.join(copy, name), stat.st_mode & 0o7777)
    os.close(source)
    os.chdir(folder)


def _show_only(needed: tuple[str, ...]) -> None:
    """Nothing of the machine in sight but the system's folders and the `needed` ones (with what is in them).

    Every other top-level folder looks empty. A folder on the way to a needed one (/work on the way to
    /work/venv) is covered by an empty tmpfs in which only the entries that lead on are bound back, then
    made read-only: its other entries, files included, are out of sight. A folder whose entry on the way is
    a symbolic link stays as it is (a link cannot be bound back); the folder the link leads to is covered.
    """
    wanted = {os.path.realpath(path) for path in needed if path and os.path.isdir(path)}
    wanted = {path for path in wanted if not any(path == s or path.startswith(s + "/") for s in SYSTEM)}
    wanted = {path for path in wanted if not any(path.startswith(other + "/") for other in wanted)}
    ways: dict[str, set[str]] = {}  # each folder on the way to a wanted one: its entries that lead on
    for path in wanted:
        parts = path.strip("/").split("/")
        for depth in range(len(parts)):
            ways.setdefault("/" + "/".join(parts[:depth]), set()).add(parts[depth])
    top = ways.pop("/", set())  # / itself cannot be covered: its other folders are, one by one
    for entry in os.scandir("/"):
        if entry.is_dir(follow_symlinks=False) and entry.path not in SYSTEM and entry.name not in top:
            _empty(entry.path)
    for folder in sorted(ways, key=lambda f: f.count("/")):  # outer first: an inner one is then the bound-back copy
        leads = sorted(ways[folder])
        if any(os.path.islink(os.path.join(folder, name)) for name in leads):
            continue
        kept = [os.open(os.path.join(folder, name), os.O_PATH | os.O_DIRECTORY) for name in leads]
        flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
        _libc_call("mount", b"tmpfs", os.fsencode(folder), b"tmpfs", flags, b"size=4k,mode=0755")
        for name, fd in zip(leads, kept):
            os.mkdir(os.path.join(folder, name))
            _libc_call("mount", f"/proc/self/fd/{fd}".encode(), os.fsencode(os.path.join(folder, name)), None,
                       MS_BIND | MS_REC, None)
            os.close(fd)
        _libc_call("mount", None, os.fsencode(folder), None, MS_REMOUNT | MS_RDONLY | flags, None)


if __name__ == "__main__":
    serve()
