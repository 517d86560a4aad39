"""While `aiolings grade` runs a student's code: refuse what no exercise needs, and remember who tried.

An audit hook (PEP 578) sees every process start, outbound connection, file write and
foreign (ctypes) call in the process, and once added it cannot be removed, not even by the
code under test. No grader needs any of these, so they are refused whoever asks: code run
from a thread or a callback has no frame of the student's file on its stack, and must not get
through for that. Each attempt is kept with the student's file and line when one of its
frames is on the stack (else with no file), and the grade scores the topic 0 with the reason.
The one write allowed outside is the graders' report (and its progress file): only by the plugin's
own writing code (by code object: a function a student builds can claim any file name), with no
student frame on the stack.
"""

from __future__ import annotations

import functools
import importlib
import ipaddress
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

PROCESS_EVENTS = {"os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec", "os.system", "subprocess.Popen", "pty.spawn"}
# Calls into C libraries could do all of the above unseen. The one library trusted with them is
# forbiddenfruit, through which blockbuster patches C types to spot blocking calls.
FOREIGN_EVENTS = {"ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.call_function"}
TRUSTED_WITH_C = ("forbiddenfruit",)
# Every path among their arguments must lie inside the writable folder.
PATH_EVENTS = {"os.remove", "os.rename", "os.rmdir", "shutil.rmtree", "os.link", "os.symlink", "os.mkdir", "os.chmod",
               "os.chown", "os.truncate", "os.utime", "shutil.move", "shutil.copyfile"}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


@dataclass
class Attempt:
    file: str
    line: int
    what: str


@dataclass
class Audit:
    """Watches the files under `students` (their folder); writes go only under `writable`, and to `report`."""

    students: Path
    writable: Path
    report: Path | None = None
    attempts: list[Attempt] = field(default_factory=list)
    writers: frozenset[CodeType] = frozenset()  # the code that may open the report (plugin.ReportWriter's)
    trusted: frozenset[CodeType] = frozenset()
    ctypes_own: frozenset[CodeType] = frozenset()

    def install(self) -> None:
        # By code object, not file name or globals: compile() and FunctionType let anyone choose those.
        self.trusted = _functions_of(TRUSTED_WITH_C)
        self.ctypes_own = _functions_of(("ctypes",))
        # Bound now, by the class's own functions: an instance attribute `_refused` set later (the
        # Audit is reachable from the plugin) must not switch the hook off.
        # A partial, not a lambda: no frame of its own between the hook and the code it judges.
        sys.addaudithook(functools.partial(Audit._hook, self, refused=Audit._refused))
        if "_posixsubprocess" in sys.modules:  # fork_exec raises no audit event: nothing in grading calls it
            sys.modules["_posixsubprocess"].fork_exec = _no_fork_exec

    def _hook(self, event: str, args: tuple[Any, ...], *, refused: Callable[[Audit, str, tuple[Any, ...]], str | None]) -> None:
        what = refused(self, event, args)
        if what is None:
            return
        if event in FOREIGN_EVENTS and self._called_by_trusted():
            return  # checked first: cheap, and on 3.14 every forbiddenfruit curse is a ctypes.call_function
        frame = self._student_frame()
        if frame is None and event == "open" and self._is_report(args[0]) and sys._getframe(1).f_code in self.writers:
            return  # the plugin writing its report
        self.attempts.append(Attempt(frame.f_code.co_filename, frame.f_lineno, what) if frame else Attempt("", 0, what))
        raise PermissionError(f"aiolings grade does not allow this: {what}")

    def _refused(self, event: str, args: tuple[Any, ...]) -> str | None:
        if event in PROCESS_EVENTS or (event == "import" and args and args[0] == "_posixsubprocess"):
            return f"starting a process ({event})"
        if event == "socket.connect" and len(args) > 1:
            address = args[1]
            host = address[0] if isinstance(address, tuple) and address else None
            if isinstance(host, str) and not _loopback(host):
                return f"connecting to {host}"
        if event == "open" and len(args) > 2:
            path, mode, flags = args[0], args[1], args[2]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (isinstance(flags, int) and flags & WRITE_FLAGS)
            if writing and isinstance(path, str | bytes | os.PathLike) and not self._inside(path) and path != os.devnull:
                return f"writing to {os.fsdecode(path)}"
        if event in PATH_EVENTS:
            outside = [a for a in args if isinstance(a, str | bytes | os.PathLike) and not self._inside(a)]
            if outside:
                return f"{event} on {os.fsdecode(outside[0])}"
        if event in FOREIGN_EVENTS:
            return f"calling C code through ctypes ({event})"
        if event == "sqlite3.connect" and args and str(args[0]) != ":memory:" and not self._inside(args[0]):
            return f"writing to {args[0]}"
        if event == "socket.bind" and len(args) > 1 and isinstance(args[1], str | bytes) and not self._inside(args[1]):
            return f"binding a socket to {os.fsdecode(args[1])}"
        return None

    def _is_report(self, path: Any) -> bool:
        try:
            # The report, and the progress file beside it (plugin.ReportWriter)
            return self.report is not None and Path(os.path.realpath(os.fsdecode(path))) in (
                self.report, self.report.with_suffix(".progress"))
        except (TypeError, ValueError):
            return False

    def _inside(self, path: Any) -> bool:
        try:
            return Path(os.path.abspath(os.fsdecode(path))).is_relative_to(self.writable)
        except (TypeError, ValueError):
            return False

    def _called_by_trusted(self) -> bool:
        """Whether the code calling into ctypes is trusted code itself: the nearest frame outside
        ctypes, not any frame below, which would let trusted code calling back into the
        student's (a __hash__, say) lend its trust."""
        frame: FrameType | None = sys._getframe(2)
        while frame is not None and frame.f_code in self.ctypes_own:
            frame = frame.f_back
        return frame is not None and frame.f_code in self.trusted

    def _student_frame(self) -> FrameType | None:
        frame = sys._getframe(2)
        while frame is not None:
            if Path(frame.f_code.co_filename).is_relative_to(self.students):
                return frame
            frame = frame.f_back
        return None


def _no_fork_exec(*args: Any) -> None:
    sys.audit("subprocess.Popen", args[0] if args else None, args, None, None)  # refused by the hook, with the file
    raise PermissionError("aiolings grade does not allow this: starting a process (_posixsubprocess.fork_exec)")


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _functions_of(modules: tuple[str, ...]) -> frozenset[CodeType]:
    codes: set[CodeType] = set()

    def add(code: CodeType) -> None:
        codes.add(code)
        for constant in code.co_consts:
            if isinstance(constant, CodeType):
                add(constant)

    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for value in vars(module).values():
            for function in [value, *(vars(value).values() if isinstance(value, type) else ())]:
                if isinstance(getattr(function, "__code__", None), CodeType):
                    add(function.__code__)
    return frozenset(codes)
