"""Single key presses from the terminal, read in a thread so that `aiolings watch` can grade meanwhile.

On POSIX the terminal is put in cbreak mode (each key arrives at once, without echo; Ctrl-C still
interrupts) and put back as it was on the way out. On Windows msvcrt reads the console. When
stdin is not a terminal (a pipe, an editor's task runner) there are no keys, and watch goes on
without them.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def reading(deliver: Callable[[str], None]) -> Iterator[bool]:
    """Call `deliver(key)` from a thread for each key pressed while the block runs; yield whether keys can be read."""
    try:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):  # stdin replaced or closed
        interactive = False
    if not interactive:
        yield False
        return
    stop = threading.Event()
    if os.name == "nt":
        thread = threading.Thread(target=_windows, args=(deliver, stop), daemon=True, name="aiolings-keys")
        thread.start()
        try:
            yield True
        finally:
            stop.set()
        return
    import termios  # POSIX only: imported where it is used
    import tty

    fd = sys.stdin.fileno()
    try:
        saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
    except termios.error:  # a terminal that will not be switched: watch without keys
        yield False
        return
    thread = threading.Thread(target=_posix, args=(fd, deliver, stop), daemon=True, name="aiolings-keys")
    thread.start()
    try:
        yield True
    finally:
        stop.set()
        thread.join(timeout=0.5)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _posix(fd: int, deliver: Callable[[str], None], stop: threading.Event) -> None:
    import select

    while not stop.is_set():
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            data = os.read(fd, 64).decode(errors="ignore")
        except OSError:
            return
        if not data:  # the terminal went away
            return
        for key in _plain_keys(data):
            deliver(key)


def _windows(deliver: Callable[[str], None], stop: threading.Event) -> None:
    import msvcrt  # type: ignore[import-not-found, unused-ignore]

    while not stop.is_set():
        if not msvcrt.kbhit():  # type: ignore[attr-defined, unused-ignore]
            time.sleep(0.05)
            continue
        key = msvcrt.getwch()  # type: ignore[attr-defined, unused-ignore]
        if key in ("\x00", "\xe0"):  # the first half of an arrow or function key: drop its second half too
            msvcrt.getwch()  # type: ignore[attr-defined, unused-ignore]
            continue
        deliver(key)


def _plain_keys(data: str) -> list[str]:
    """The keys typed, without escape sequences (an arrow key is "\\x1b[A": its "A" is no command)."""
    keys, escaped = [], False
    for char in data:
        if char == "\x1b":
            escaped = True
        elif escaped:
            escaped = char in "[O0123456789;"  # the sequence goes on until its final letter
        else:
            keys.append(char)
    return keys
