"""While `aiolings grade` runs a student's code: refuse what no exercise needs, and remember who tried.

An audit hook (PEP 578) sees every process start, outbound connection and file write in the
process, and once added it cannot be removed, not even by the code under test. Refused
operations raise PermissionError where the student's code made them; each attempt is kept
with the student's file and line, and the grade scores that topic 0 with the reason.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

PROCESS_EVENTS = {"os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec", "os.system", "subprocess.Popen", "pty.spawn"}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


@dataclass
class Attempt:
    file: str
    line: int
    what: str


@dataclass
class Audit:
    """Watches the files under `students` (their folder); they may write only under `writable`."""

    students: Path
    writable: Path
    attempts: list[Attempt] = field(default_factory=list)

    def install(self) -> None:
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        what = self._refused(event, args)
        if what is None:
            return
        frame = self._student_frame()
        if frame is None:
            return  # the graders' or pytest's own doing
        self.attempts.append(Attempt(frame.f_code.co_filename, frame.f_lineno, what))
        raise PermissionError(f"aiolings grade does not allow this: {what}")

    def _refused(self, event: str, args: tuple[Any, ...]) -> str | None:
        if event in PROCESS_EVENTS:
            return f"starting a process ({event})"
        if event == "socket.connect" and len(args) > 1:
            address = args[1]
            host = address[0] if isinstance(address, tuple) and address else None
            if isinstance(host, str) and not _loopback(host):
                return f"connecting to {host}"
        if event == "open" and len(args) > 2:
            path, mode, flags = args[0], args[1], args[2]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (isinstance(flags, int) and flags & WRITE_FLAGS)
            if writing and isinstance(path, str | bytes | os.PathLike) and not self._inside(path):
                return f"writing to {os.fsdecode(path)}"
        if event in ("os.remove", "os.rename", "os.rmdir", "shutil.rmtree") and args and not self._inside(args[0]):
            return f"{event} on {args[0]}"
        return None

    def _inside(self, path: Any) -> bool:
        try:
            return Path(os.path.abspath(os.fsdecode(path))).is_relative_to(self.writable)
        except (TypeError, ValueError):
            return False

    def _student_frame(self) -> FrameType | None:
        frame = sys._getframe(2)
        while frame is not None:
            if Path(frame.f_code.co_filename).is_relative_to(self.students):
                return frame
            frame = frame.f_back
        return None


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
