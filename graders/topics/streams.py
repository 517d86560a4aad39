"""Graders for topic 12: a TCP server and client with asyncio streams.

Every connection is real, on 127.0.0.1, inside the test's own event loop, so delays are virtual
and loop time exact: the graders' clients talk to the learner's `handle` (run by a server of the
graders') and to the learner's `serve`; the learner's `request` talks to a server of the graders'.
Loop time moves only once no byte is on its way, so "at once" means "before any loop time passed".

The rules hold whatever the schedule: every line is answered once it is whole, and a line cut off
by the end of the stream is not; a client that does not read makes the server wait, which shows
as what the server took in from it staying within what the buffers on the way can hold (measured
on the spot, so it holds on every system); every handler ends, with its connection closed, once
its client is done or serve is cancelled; no client waits for another; request gives up on each
answer at its own deadline and closes its connection on every way out.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import linecache
import platform
import random
import socket
import struct
import sys
import traceback
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from graders.harness import checks
from graders.harness.feedback import fail, plural, seconds, shown
from graders.i18n import listed, sentences, tr
from graders.harness.learner import Learner, Outcome, known_advice
from graders.harness.probes import Recorder, Span, loop_clock
from graders.harness.schedule import TOLERANCE

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

HOST = "127.0.0.1"
PATIENCE = 2.0  # seconds of loop time the graders wait for what should happen at once
STEP = 0.25  # seconds between the pieces a client sends
WORDS = ["asyncio", "stream", "reader", "writer", "socket", "server", "client", "buffer", "drain", "packet",
         "tunnel", "harbor", "lantern", "meadow", "pepper", "walrus", "violet", "cobalt", "ember", "quartz"]

# The backpressure grader: small socket buffers (on the client and on the graders' listening socket,
# whose connections inherit them), so that what the kernel holds is small beside what a server that
# keeps reading piles up. The limit is what asyncio's StreamReader holds before it stops reading.
SMALL_BUFFER = 16 * 1024
HIGH_WATER = 16 * 1024  # the server transport's high-water mark: drain() waits while more is buffered
READ_LIMIT = 2**16  # asyncio.StreamReader's default limit; it stops reading at twice that
MIN_FLOOD, MAX_FLOOD = 2 * 2**20, 32 * 2**20
# gh-127655: until 3.12.9 and 3.13.2 the selector transport's writelines() (new in 3.12) never paused
# the protocol, so a drain() after it never waits there: the learner is told so, not to add a drain().
WRITELINES_NEVER_PAUSES = (3, 12) <= sys.version_info[:3] < (3, 12, 9) or (3, 13) <= sys.version_info[:3] < (3, 13, 2)
PROBE = bytes(4 * 2**20)  # more than small buffers hold anywhere; where the kernel takes it all, the flood is the most


# The graders' clients.


@dataclass
class Client:
    """A client of the graders': a real connection to 127.0.0.1, read and written by the grader."""

    label: str
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    @property
    def port(self) -> int:
        return int(self.writer.get_extra_info("sockname")[1])

    def send(self, data: bytes) -> None:
        self.writer.write(data)

    async def line(self, within: float) -> bytes | None:
        """The next line from the server (b"" at the end of the stream), or None if none came `within` seconds."""
        try:
            async with asyncio.timeout(within):
                return await self.reader.readline()
        except TimeoutError:
            return None
        except (ConnectionError, ValueError):  # reset, or a "line" longer than the reader's limit
            return b""

    async def rest(self, within: float) -> bytes:
        """What the server sends until it closes the connection, or for `within` seconds if it does not."""
        data = bytearray()
        with contextlib.suppress(TimeoutError, ConnectionError):
            async with asyncio.timeout(within):
                while chunk := await self.reader.read(2**16):
                    data += chunk
        return bytes(data)

    def leave(self) -> None:
        """Go away at once, without waiting for anything."""
        self.writer.transport.abort()

    def reset(self) -> None:
        """Vanish as a crashed peer does: the connection is reset (RST), not closed in order (FIN)."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.leave()


def small_buffers(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)


def tcp_socket() -> socket.socket:
    # IPPROTO_TCP named, so that asyncio's transports set TCP_NODELAY on it (and on the connections a
    # listening one accepts): without it, a short write waits in the kernel for the peer's delayed
    # ACK, real milliseconds in which loop time, with nothing to do, runs on by seconds.
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)


async def connect(port: int, label: str, *, small: bool = False) -> Client:
    sock = tcp_socket()
    try:
        if small:
            small_buffers(sock)  # before connecting: the window a connection opens with follows them
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (HOST, port))
        reader, writer = await asyncio.open_connection(sock=sock)
    except BaseException:
        sock.close()
        raise
    return Client(label, reader, writer)


def listener(*, small: bool = False) -> socket.socket:
    sock = tcp_socket()
    if small:
        small_buffers(sock)
    sock.bind((HOST, 0))
    sock.listen()
    sock.setblocking(False)
    return sock


def socket_closed(writer: asyncio.StreamWriter) -> bool:
    """Whether the writer's socket is closed: what writer.wait_closed() waits for, after close() has begun it."""
    sock = writer.get_extra_info("socket")
    return sock is None or sock.fileno() == -1


# Watching the learner's handle.


@dataclass
class Connection:
    """One call of the learner's handle, as the graders saw it."""

    writer: asyncio.StreamWriter
    peer: int  # the client's port
    task: asyncio.Task[Any] | None
    span: Span | None = None
    error: Exception | None = None
    closing: bool = False  # when handle ended: close() had been called on its writer
    closed: bool = False  # ... and the socket was closed: wait_closed() had been awaited
    peak: int = 0  # the most the transport held unsent right after a write
    wrote_lines: bool = False  # writelines() was used
    drained: bool = False  # drain() was awaited

    @property
    def running(self) -> bool:
        return self.span is None or self.span.end is None


class Handlers:
    """Runs the learner's handle for each connection and keeps a record of each call.

    `prepare` is called with each connection before handle starts (the backpressure grader sets
    the transport's limits there). Errors out of handle are kept; `reraise` lets them go on too,
    to whatever started handle (the learner's serve), as they would without the graders.
    """

    def __init__(self, learner: Learner, *, prepare: Callable[[Connection], None] | None = None,
                 reraise: bool = False) -> None:
        self.learner = learner
        self.original = learner.function("handle")
        self.prepare = prepare
        self.reraise = reraise
        self.recorder = Recorder()
        self.connections: list[Connection] = []

    async def watched(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            task.add_done_callback(_retrieve)  # an error is the graders' to report, not asyncio's to log
        connection = Connection(writer, int(writer.get_extra_info("peername")[1]), task)
        self.connections.append(connection)
        if self.prepare is not None:
            self.prepare(connection)
        try:
            with self.recorder.span("") as connection.span:  # named after its client when judged
                try:
                    await self.original(reader, writer)
                finally:  # the moment handle ended, before anything else can close the connection
                    connection.closing = writer.transport.is_closing()
                    connection.closed = socket_closed(writer)
        except Exception as error:
            connection.error = error
            if self.reraise:
                raise

    def of(self, client: Client) -> Connection | None:
        return next((c for c in self.connections if c.peer == client.port), None)

    def name(self, clients: Sequence[Client]) -> None:
        """Label each handler's span after its client."""
        for connection in self.connections:
            client = next((c for c in clients if c.port == connection.peer), None)
            if connection.span is not None:
                connection.span.label = client.label if client else tr("another client")

    async def ended(self, connection: Connection, within: float) -> None:
        """Wait up to `within` seconds of loop time for the handler to end."""
        if connection.task is not None:
            await asyncio.wait([connection.task], timeout=within)
        for _ in range(3):  # what ending set off (tasks it cancelled, callbacks) gets its turn
            await asyncio.sleep(0)


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


class Server:
    """A server of the graders' on 127.0.0.1 that runs the learner's handle for each client."""

    def __init__(self, handlers: Handlers, *, small: bool = False) -> None:
        self.handlers = handlers
        self.small = small
        self.clients: list[Client] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Server:
        sock = listener(small=self.small)
        self._server = await asyncio.start_server(self._connected, sock=sock)
        self.port = int(sock.getsockname()[1])
        return self

    def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A task of the graders' own rather than the one start_server would make of a coroutine: 3.11
        # logs an error when that one is cancelled (as leftovers are, after the grader).
        self._tasks.add(asyncio.create_task(self.handlers.watched(reader, writer)))

    async def connect(self, label: str) -> Client:
        client = await connect(self.port, label, small=self.small)
        self.clients.append(client)
        return client

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()  # not wait_closed(): since 3.12 it would wait for a handler that never ends
        for client in self.clients:
            client.leave()
        for connection in self.handlers.connections:
            if not connection.writer.transport.is_closing():
                connection.writer.transport.abort()  # left open by the learner's handle: the grader's to tidy
        for _ in range(3):
            await asyncio.sleep(0)


# Where the learner's code was when the graders looked.


def waiting_at(learner: Learner, task: asyncio.Task[Any] | None) -> tuple[int, str] | None:
    """The learner's line a task is suspended at (the innermost in the learner's file), with its source."""
    coro: Any = task.get_coro() if task is not None else None
    found = None
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "ag_frame", None)
        if frame is not None and Path(frame.f_code.co_filename) == learner.path:
            found = frame.f_lineno
        coro = getattr(coro, "cr_await", None) or getattr(coro, "ag_await", None)
    if found is None:
        return None
    return found, linecache.getline(str(learner.path), found).strip()


def where(learner: Learner, task: asyncio.Task[Any] | None) -> str:
    spot = waiting_at(learner, task)
    return "" if spot is None else tr("It was waiting at line {line}: `{source}`.", line=spot[0], source=spot[1])


def of_learner(learner: Learner, task: asyncio.Task[Any]) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and Path(code.co_filename) == learner.path


# Judging what handle did.


CUT_OFF_ADVICE = ("`readuntil()` and `readexactly()` raise IncompleteReadError when the stream ends before the "
                  "separator (or the count): the client is done, and `.partial` holds what came of the line. Catch it "
                  "(`except asyncio.IncompleteReadError:`) and leave the loop; or read with `readline()`, which "
                  "returns b\"\" at the end of the stream, and a cut-off line, without its b\"\\n\", just before.")


def judge_errors(learner: Learner, handlers: Handlers, situation: str) -> None:
    """Fail for the first error out of handle: unwritten, blocking, or raised in `situation`."""
    __tracebackhide__ = True
    learner.check_not_blocked("handle")
    for connection in handlers.connections:
        error = connection.error
        if error is None:
            continue
        learner._checked("handle", Outcome(error=error))  # not written yet, or not callable as the exercise says
        kind = type(error).__name__
        if isinstance(error, asyncio.IncompleteReadError):
            advice = tr(CUT_OFF_ADVICE)
        elif isinstance(error, ConnectionError):
            advice = tr("A client can go away at any moment: then reading, `drain()` and `wait_closed()` raise "
                        "ConnectionError. Catch it around the conversation, and around `wait_closed()` in the "
                        "`finally:`, and end the handler quietly.")
        else:
            advice = known_advice(error)
        fail(tr("`handle` raised {kind} when {situation}.", kind=kind, situation=situation),
             observed=tr("the error came out of handle and ended it: a crash, for that client."),
             expected=tr("handle ending quietly, with its connection closed: one client's trouble is not an error "
                         "of the server."),
             details=learner.format_error(error), advice=advice, cause=f"raised handle {kind}")


def judge_ending(learner: Learner, connection: Connection, situation: str) -> None:
    """The handler ended within PATIENCE of its client being done (`situation` says how)."""
    __tracebackhide__ = True
    if not connection.running:
        return
    spot = waiting_at(learner, connection.task)
    waiting = tr("It was waiting at line {line}: `{source}`.", line=spot[0], source=spot[1]) if spot else ""
    if spot is not None and "wait_closed" in spot[1]:
        advice = tr("`wait_closed()` only waits for the connection to close; `close()` is what closes it. Call "
                    "`writer.close()` first, then `await writer.wait_closed()`.")
    else:
        advice = tr("At the end of the stream `readline()` returns b\"\" (and `read()` too): that is the client "
                    "saying it is done. Leave the loop there, and close the connection.")
    fail(tr("`handle` was still running {patience} after its client was done.", patience=seconds(PATIENCE)),
         observed=sentences(tr("{situation}; the handler never ended, so its task and its connection stay for as "
                               "long as the server runs.", situation=situation), waiting),
         expected=tr("handle ending at once, once its client is done."),
         advice=advice, cause="handle never ends")


def judge_closing(name: str, closing: bool, closed: bool, after: str) -> None:
    """The connection was closed (`closing`), and waited for (`closed`), at the moment `name` ended
    (`after` says what ended it)."""
    __tracebackhide__ = True
    if not closing:
        fail(tr("`{name}` ended without closing its connection.", name=name),
             observed=tr("{after}, and close() had not been called on its writer: the socket stays open, and the "
                         "other side never learns the conversation is over.", after=after),
             expected=tr("writer.close(), then await writer.wait_closed(), before {name} ends, whichever way it "
                         "ends.", name=name),
             advice=tr("Put `writer.close()` and `await writer.wait_closed()` in a `finally:` around the "
                       "conversation, so that every way out closes the connection."),
             cause=f"open {name}")
    if not closed:
        fail(tr("`{name}` closed its connection but did not wait for it to close.", name=name),
             observed=tr("{after}; writer.close() had been called, but the socket was not closed yet: close() only "
                         "starts closing.", after=after),
             expected=tr("await writer.wait_closed() after writer.close(), before {name} ends.", name=name),
             advice=tr("`await writer.wait_closed()` right after `writer.close()`: it returns once the connection "
                       "is really closed."),
             cause=f"unwaited {name}")


# Inputs.


def phrases(rng: random.Random, count: int) -> list[str]:
    """Distinct lines of words and numbers, none of them the same reversed."""
    return [f"{word} {rng.randint(10, 99)}" for word in rng.sample(WORDS, count)]


def with_spaces_at_the_ends(lines: list[str]) -> list[str]:
    """The same lines, the first indented two spaces and the last ending in two: spaces are part of a line, and
    code that strips them shows on every draw."""
    return ["  " + lines[0], *lines[1:-1], lines[-1] + "  "]


def answer_to(line: str) -> str:
    return line[::-1]


def flood(rng: random.Random, size: int) -> bytes:
    """About `size` bytes of lines of 1000 to 6000 bytes each."""
    text = " ".join(WORDS).encode() * 60
    lines, total = [], 0
    while total < size:
        start = rng.randrange(len(text) - 6000)
        line = text[start : start + rng.randint(1000, 6000)] + b"\n"
        lines.append(line)
        total += len(line)
    return b"".join(lines)


# handle


async def test_handle_answers_every_line(learner: Learner, rng: random.Random) -> None:
    lines = with_spaces_at_the_ends(phrases(rng, rng.randint(5, 7)))
    # An empty line is a request too; one line at least comes after it, on every draw: a handle that stops at it and
    # one that skips it then answer differently.
    lines.insert(rng.randint(3, len(lines) - 1), "")
    sent = [line.encode() + b"\n" for line in lines]
    # Pieces as TCP may deliver them: the first holds two whole lines and the start of the third,
    # then the rest of the third; each later line comes whole or in two pieces.
    cut = rng.randint(1, len(sent[2]) - 2)
    pieces = [sent[0] + sent[1] + sent[2][:cut], sent[2][cut:]]
    in_pieces = {0, 1, 2}  # the lines that came split, or in one piece with another
    for n, data in enumerate(sent[3:], start=3):
        if len(data) > 2 and rng.random() < 0.5:
            at = rng.randint(1, len(data) - 2)
            pieces += [data[:at], data[at:]]
            in_pieces.add(n)
        else:
            pieces.append(data)
    handlers = Handlers(learner)
    async with Server(handlers) as server:
        client = await server.connect(tr("client {n}", n=1))
        got: list[str] = []

        async def collect() -> None:
            # Reading as the answers come: were the server to close early, the client's next piece
            # would draw a reset, which makes the reader drop what it holds unread.
            while len(got) < len(lines):
                answer = await client.line(len(pieces) * STEP + PATIENCE)
                if not answer:
                    return
                got.append(answer.decode(errors="replace").removesuffix("\n"))

        collecting = asyncio.create_task(collect())
        for piece in pieces:
            client.send(piece)
            await asyncio.sleep(STEP)
        await collecting
        judge_errors(learner, handlers, tr("its client sent lines"))
    expected = [answer_to(line) for line in lines]
    if got == expected:
        return
    wrong = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), len(got))
    blanks = {"n": wrong + 1, "line": repr(lines[wrong]), "expected": repr(expected), "got": shown(got, width=160),
              "count": len(got), "lines": len(lines)}
    empty = lines.index("")
    if len(got) == empty:  # whatever it answered before: the conversation ended there
        fail(tr("`handle` stopped answering at the empty line."),
             observed=tr("it answered {count} of {lines} lines, up to the empty one, line {n}, and then no more.",
                         **{**blanks, "n": empty + 1}),
             expected=tr("{expected}: an empty line answered with an empty line, and the lines after it answered "
                         "too.", **blanks),
             advice=tr("An empty line arrives as b\"\\n\", which is not empty: only b\"\" (nothing at all) means the "
                       "end of the stream. Test `if not line:` on what readline() returned, before you strip the "
                       "b\"\\n\"."))
    if wrong < len(got) < len(expected) and got[wrong:] == expected[wrong + 1:wrong + 1 + len(got) - wrong]:
        # The answers after it are those of the lines after it: this line, and only it, went unanswered.
        fail(tr("`handle` gave no answer to line {n}, {line}.", **blanks),
             observed=tr("answers: {got}: the answers to the other lines, in order, and none for line {n}.", **blanks),
             expected=tr("{expected}: every line answered, the line reversed.", **blanks),
             advice=tr("An empty line is a line like any other: b\"\\n\" comes in, and b\"\\n\" goes back (the empty line "
                       "reversed). A test such as `if line.strip():` before answering skips it.")
             if lines[wrong] == "" else tr("Answer every line that comes whole, whatever it holds."))
    if len(got) == wrong:
        fail(tr("`handle` answered {count} of {lines} lines.", **blanks),
             observed=tr("answers: {got}; line {n}, {line}, got no answer.", **blanks),
             expected=tr("{expected}: every line answered, the line reversed.", **blanks),
             advice=tr("Answer every line as soon as it has come whole: `await reader.readline()` in a loop that "
                       "ends only at the end of the stream."))
    if isinstance(got[wrong], str) and got[wrong].strip() == expected[wrong].strip():
        advice: str | None = tr("Spaces at the start or end of a line are part of it: take off the b\"\\n\" alone, "
                                "`line[:-1]` (or `line.rstrip(b\"\\n\")`), not `strip()` nor `rstrip()`, which take the spaces too.")
    elif got[wrong] == lines[wrong]:
        advice = tr("Answer each line with the same line reversed: `line[:-1][::-1] + b\"\\n\"` reverses "
                                "what comes before the b\"\\n\" and puts the b\"\\n\" back at the end.")
    elif wrong in in_pieces:
        advice = tr("`read(n)` gives whatever has arrived, part of a line or several. `await reader.readline()` "
                    "waits for one whole line; answer with `line[:-1][::-1] + b\"\\n\"`.")
    else:
        advice = None  # a wrong answer to a line that came whole: nothing here says why
    fail(tr("`handle` answered line {n}, {line}, wrongly.", **blanks),
         observed=tr("answers: {got}. The lines came in pieces, as TCP may deliver them: some split in two, some "
                     "sharing a piece with the next.", **blanks),
         expected=tr("{expected}: each line reversed, whatever pieces it came in.", **blanks),
         advice=advice, cause="wrong answers")


async def answered_one_by_one(learner: Learner, handlers: Handlers, client: Client, lines: list[str]) -> None:
    """The client sends each line and waits for its answer; fails for the first line handle leaves unanswered."""
    __tracebackhide__ = True
    for line in lines:
        client.send(line.encode() + b"\n")
        if await client.line(PATIENCE) is None:
            judge_errors(learner, handlers, tr("its client sent lines"))
            fail(tr("`handle` did not answer {line}.", line=repr(line)),
                 expected=tr("{answer}, at once.", answer=repr(answer_to(line))))


async def test_handle_ends_when_its_client_is_done(learner: Learner, rng: random.Random) -> None:
    lines = phrases(rng, rng.randint(2, 4))
    handlers = Handlers(learner)
    before = set(asyncio.all_tasks())
    async with Server(handlers) as server:
        client = await server.connect(tr("client {n}", n=1))
        await answered_one_by_one(learner, handlers, client, lines)
        client.writer.write_eof()  # done: the client closes its side of the connection
        await client.rest(PATIENCE)
        connection = handlers.of(client)
        assert connection is not None
        await handlers.ended(connection, PATIENCE)
        situation = tr("its client closed its side of the connection after its last line")
        judge_errors(learner, handlers, situation)
        judge_ending(learner, connection, situation)
        judge_closing("handle", connection.closing, connection.closed, tr("handle returned after its client was done"))
        left = [t for t in asyncio.all_tasks() if t not in before and not t.done() and t is not asyncio.current_task()]
    if left:
        names = listed(f"`{t.get_coro().__qualname__}`" for t in left)
        spots = [where(learner, t) for t in left if of_learner(learner, t)]
        fail(tr("`handle` left {tasks} running after it had ended.", tasks=plural(len(left), "task"), count=len(left)),
             observed=sentences(tr("still running after handle had returned: {names}.", names=names),
                                next((s for s in spots if s), "")),
             expected=tr("nothing handle started still running once it has ended: such a task waits for ever, one "
                         "more for every client the server ever had."),
             advice=tr("A task you start in handle is yours to end: cancel it and await it in the `finally:`, "
                       "before closing the connection. Or write the answers in handle itself, with drain()."))


async def test_handle_makes_a_slow_reader_wait(learner: Learner, rng: random.Random) -> None:
    handlers = Handlers(learner, prepare=watch_writes)
    async with Server(handlers, small=True) as server:
        held = await kernel_holds()
        # Everything that may lie between the client and handle while handle waits in drain():
        # kernel buffers both ways, the StreamReader (it stops reading at twice its limit, plus
        # one read), the transport up to its high-water mark and one more answer.
        allowance = 2 * (3 * held + 2 * READ_LIMIT + HIGH_WATER + 1024)
        data = flood(rng, min(max(MIN_FLOOD, 4 * allowance), MAX_FLOOD))
        client = await server.connect(tr("client {n}", n=1))
        client.send(b"ping\n")
        if await client.line(PATIENCE) is None:
            judge_errors(learner, handlers, tr("its client sent lines"))
            fail(tr("`handle` did not answer {line}.", line=repr("ping")), expected=tr("{answer}, at once.",
                                                                                       answer=repr("gnip")))
        client.writer.transport.pause_reading()  # from now on the client reads nothing: its answers pile up
        client.send(data)
        await asyncio.sleep(1)  # loop time passes only once no byte moves any more
        taken = len(data) - client.writer.transport.get_write_buffer_size()
        connection = handlers.of(client)
        assert connection is not None
        peak = connection.peak
        judge_errors(learner, handlers, tr("its client sent many lines and read no answers"))
    # Where the kernel took the whole probe, its buffers are not what the graders set (a send that
    # holds the caller's memory until done, say): what the server took in tells nothing there, and
    # only the transport's own buffer is judged.
    measurable = held < len(PROBE)
    if peak <= allowance and (taken <= allowance or not measurable):
        return
    blanks = {"sent": kib(len(data)), "taken": kib(taken), "peak": kib(peak), "high": kib(HIGH_WATER),
              "allowance": kib(allowance)}
    expected = tr("handle waiting in drain() once the answers it wrote pile up past the transport's high-water mark "
                  "({high} here), so it stops reading, and the client's lines wait with the client: at most about "
                  "{allowance} taken in.", **blanks)
    if peak > 4 * HIGH_WATER:
        buggy = connection.wrote_lines and connection.drained and WRITELINES_NEVER_PAUSES
        fail(tr("`handle` piled up {peak} of answers for a client that was not reading them.", **blanks),
             observed=tr("the client sent {sent} of lines and read none of the answers; handle took in {taken} of "
                         "them and wrote the answers on, until its transport held {peak} unsent.", **blanks),
             expected=expected,
             advice=tr("On this Python ({version}), `writelines()` never makes `drain()` wait: a bug of asyncio, "
                       "fixed in 3.12.9 and 3.13.2. Write each answer with `writer.write()` (or update Python).",
                       version=platform.python_version()) if buggy
             else tr("`writer.write()` never waits: it adds to the transport's buffer. `await writer.drain()` "
                     "right after each write waits while that buffer is full, which stops handle reading until "
                     "the client catches up. A drain() only at the end comes too late."))
    fail(tr("`handle` kept reading from a client that was not reading its answers."),
         observed=tr("the client sent {sent} of lines and read none of the answers; handle took in {taken} of them, "
                     "though its transport never held more than {peak} unsent: the answers waited somewhere else "
                     "(a queue? a list?), which grows for as long as the client sends.", **blanks),
         expected=expected,
         advice=tr("Make reading wait for writing: write each answer and `await writer.drain()` before reading the "
                   "next line. A queue between a reading task and a writing task needs a maxsize, so that `put()` "
                   "waits; `asyncio.Queue()` without one never does."))


def watch_writes(connection: Connection) -> None:
    """A small high-water mark for drain(), and a note of the most the transport held after each write
    (and of whether writelines() and drain() were used)."""
    writer = connection.writer
    transport = writer.transport
    transport.set_write_buffer_limits(high=HIGH_WATER)

    def noted(write: Callable[..., None], lines: bool) -> Callable[..., None]:
        def wrapper(*args: Any) -> None:
            write(*args)
            connection.peak = max(connection.peak, transport.get_write_buffer_size())
            connection.wrote_lines |= lines

        return wrapper

    drain = writer.drain

    async def drained() -> None:
        connection.drained = True
        await drain()

    # On this connection only: StreamWriter.write and writelines call these.
    transport.write = noted(transport.write, False)  # type: ignore[method-assign]
    transport.writelines = noted(transport.writelines, True)  # type: ignore[method-assign]
    writer.drain = drained  # type: ignore[method-assign]


async def kernel_holds() -> int:
    """How many bytes the kernel takes from a client whose server reads nothing, with this system's
    buffers set as the graders' connections have them: one way of what lies between client and handle."""
    accepted: list[asyncio.StreamWriter] = []

    def still(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Paused once the transport has begun reading, just after this callback: on some 3.11 releases (Debian 12's
        # 3.11.2) a pause made here was undone as the transport then added its reader, and the server read it all.
        asyncio.get_running_loop().call_soon(writer.transport.pause_reading)
        accepted.append(writer)

    probe = await asyncio.start_server(still, sock=listener(small=True))
    try:
        client = await connect(int(probe.sockets[0].getsockname()[1]), "", small=True)
        client.send(PROBE)
        await asyncio.sleep(0.5)
        held = len(PROBE) - client.writer.transport.get_write_buffer_size()
        client.leave()
    finally:
        probe.close()
        for writer in accepted:
            writer.transport.abort()
    return held


def kib(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 2**20 else f"{size / 2**20:.1f} MiB"


async def half_a_line_after_whole_ones(learner: Learner, handlers: Handlers, client: Client,
                                      rng: random.Random) -> str:
    """The client sends a few lines, each answered, then the beginning of one more (returned), and waits there."""
    __tracebackhide__ = True
    lines = phrases(rng, rng.randint(1, 3) + 1)
    cut_line = lines.pop()
    await answered_one_by_one(learner, handlers, client, lines)
    partial = cut_line[: rng.randint(3, len(cut_line) - 2)]
    client.send(partial.encode())
    return partial


async def test_handle_does_not_answer_a_line_cut_off(learner: Learner, rng: random.Random) -> None:
    handlers = Handlers(learner)
    async with Server(handlers) as server:
        client = await server.connect(tr("client {n}", n=1))
        partial = await half_a_line_after_whole_ones(learner, handlers, client, rng)
        client.writer.write_eof()  # gone in the middle of a line
        after = await client.rest(PATIENCE)
        connection = handlers.of(client)
        assert connection is not None
        await handlers.ended(connection, PATIENCE)
        situation = tr("its client stopped in the middle of a line, {partial}, and closed its side of the "
                       "connection", partial=repr(partial))
        judge_errors(learner, handlers, situation)
        if after:
            fail(tr("`handle` answered a line that was cut off: {partial}.", partial=repr(partial)),
                 observed=tr("{situation}; handle still sent {answer}.", situation=situation,
                             answer=repr(after.decode(errors="replace"))),
                 expected=tr("no answer: a line without its b\"\\n\" at the end of the stream is not a request (a "
                             "client cut off mid-way did not mean it)."),
                 advice=tr("At the end of the stream, `readline()` returns what came of a cut-off line, without the "
                           "b\"\\n\" (and `async for line in reader` gives it too). Answer a line only if "
                           "`line.endswith(b\"\\n\")`; otherwise the client is done."))
        judge_ending(learner, connection, situation)


async def test_handle_ends_quietly_when_its_client_vanishes(learner: Learner, rng: random.Random) -> None:
    handlers = Handlers(learner)
    async with Server(handlers) as server:
        client = await server.connect(tr("client {n}", n=1))
        await half_a_line_after_whole_ones(learner, handlers, client, rng)
        await asyncio.sleep(STEP)  # the half line reaches handle, which waits for the rest of it
        client.reset()  # gone: the connection reset in the middle of a line, as when a client's program dies
        connection = handlers.of(client)
        assert connection is not None
        await handlers.ended(connection, PATIENCE)
        situation = tr("its client vanished in the middle of a line (the connection was reset)")
        judge_errors(learner, handlers, situation)
        judge_ending(learner, connection, situation)  # closed by the reset itself: nothing to tell of close()


# serve


class Serving:
    """The learner's serve, running in a task of its own, with `handle` watched by `handlers`."""

    def __init__(self, learner: Learner, handlers: Handlers) -> None:
        self.learner = learner
        self.handlers = handlers
        self.port = 0
        self.clients: list[Client] = []
        self.running_then: list[Connection] = []  # the handlers still running at the moment serve ended
        self._ready = asyncio.Event()
        self._given: object = None
        self.task: asyncio.Task[Outcome] | None = None

    async def __aenter__(self) -> Serving:
        self.learner.function("serve")
        assert self.learner.module is not None
        self.learner.module.handle = self.handlers.watched  # serve runs `handle`: the watched one
        loop = asyncio.get_running_loop()
        self._previous_handler = loop.get_exception_handler()
        loop.set_exception_handler(self._quiet)
        self.task = asyncio.create_task(self._run())
        try:
            await self._started()
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def _started(self) -> None:
        assert self.task is not None
        waiting = asyncio.create_task(self._ready.wait())
        await asyncio.wait([self.task, waiting], timeout=PATIENCE, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if not self._ready.is_set():
            if self.task.done():
                self.returned()
            self.learner.check_not_blocked("serve")
            fail(tr("`serve` did not call ready(port) within {patience}.", patience=seconds(PATIENCE)),
                 expected=tr("ready(port) called as soon as the server listens, with the port it listens on."),
                 advice=tr("After `server = await asyncio.start_server(...)`, call "
                           "`ready(server.sockets[0].getsockname()[1])`."))
        if not isinstance(self._given, int) or isinstance(self._given, bool):
            fail(tr("`serve` called ready() with {value} instead of the port number.", value=shown(self._given)),
                 advice=tr("Port 0 asks for any free port; `server.sockets[0].getsockname()[1]` is the one it got."))
        if self._given == 0:  # the port serve was given, not the one its server got
            fail(tr("`serve` called ready(0): 0 is the port it was asked to listen on, not the one it got."),
                 expected=tr("ready(port) called as soon as the server listens, with the port it listens on."),
                 advice=tr("Port 0 asks for any free port; `server.sockets[0].getsockname()[1]` is the one it got."),
                 cause="ready(0)")  # every grader of serve meets it: told once
        self.port = self._given

    def returned(self) -> None:
        """Fail for serve having ended on its own (its task is done)."""
        __tracebackhide__ = True
        assert self.task is not None
        outcome = self.task.result()  # a failure the learner's call already told (a TODO, a blocking call)
        if outcome.error is not None:
            judge_errors(self.learner, self.handlers, tr("the server ran it for a client"))
            self.learner.fail_raised("serve", outcome.error)
        value = outcome.value
        plain = value is None or isinstance(value, (bool, int, float, str))
        fail(tr("`serve` returned {value} at once, instead of serving until it is cancelled.",
                value=shown(value) if plain else f"<{type(value).__name__}>"),
             expected=tr("ready(port) called once the server listens, and then serve waiting (for ever, or until "
                         "it is cancelled) while the server runs."),
             advice=tr("After start_server() and ready(...), wait for ever (`await asyncio.Future()`), and do the "
                       "shutting down in a `finally:` around that wait."))

    def ready(self, port: object) -> None:
        if not self._ready.is_set():
            self._given = port
            self._ready.set()

    async def _run(self) -> Outcome:
        try:
            return await self.learner.outcome("serve", HOST, 0, self.ready)
        finally:  # the moment serve ended, before the loop turns
            self.running_then = [c for c in self.handlers.connections if c.running]

    def _quiet(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """What asyncio would log of the handlers' tasks (their errors, or 3.11 noting a cancelled one)
        is the graders' to report; anything else is logged as usual."""
        error = context.get("exception")
        if isinstance(error, asyncio.CancelledError) or any(error is c.error for c in self.handlers.connections):
            return
        (self._previous_handler or type(loop).default_exception_handler)(loop, context)  # type: ignore[arg-type]

    async def connect(self, label: str) -> Client:
        try:
            client = await connect(self.port, label)
        except OSError:
            judge_errors(self.learner, self.handlers, tr("the server ran it for a client"))
            self.failed()
            fail(tr("`serve` stopped accepting clients: {client} could not connect.", client=label),
                 expected=tr("the server accepting clients until serve is cancelled."))
        self.clients.append(client)
        return client

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        for client in self.clients:
            client.leave()  # since 3.12, closing a server waits for its connections
        if not self.task.done():
            self.task.cancel()
            await asyncio.wait([self.task], timeout=PATIENCE)
        if self.task.done() and not self.task.cancelled():
            self.task.exception()
        # The quiet handler stays for the rest of the test's loop: what is left of the handlers'
        # tasks is cancelled after the grader, and 3.11 logs an error for each of those.

    def failed(self) -> None:
        """Fail if serve itself raised, or a handler did."""
        __tracebackhide__ = True
        assert self.task is not None
        self.learner.check_not_blocked("serve")
        if self.task.done() and not self.task.cancelled():
            outcome = self.task.result()
            if outcome.error is not None:
                judge_errors(self.learner, self.handlers, tr("the server ran it for a client"))
                self.learner.fail_raised("serve", outcome.error)


async def together(*clients: Coroutine[Any, Any, None]) -> None:
    """Run the graders' clients at once; the first verdict one of them reaches comes out as it is."""
    try:
        async with asyncio.TaskGroup() as group:
            for client in clients:
                group.create_task(client)
    except BaseExceptionGroup as errors:
        raise errors.exceptions[0] from None


def waiting_their_turn(learner: Learner, serving: Serving, handlers: Handlers) -> list[tuple[int, str]]:
    """Where tasks of the learner's code, neither serve's nor one running `handle`, were waiting in the
    learner's file: the calls of handle for other clients, held back by something they share."""
    running = {c.task for c in handlers.connections}
    return sorted(spot for task in asyncio.all_tasks()
                  if task is not serving.task and task not in running and not task.done()
                  and (spot := waiting_at(learner, task)) is not None)


TURNS_ADVICE = ("Each client needs a handler of its own, running while the others wait: hold nothing they share (a "
                "Lock around `handle(...)`, or around a whole conversation) across an await that waits on a client.")


async def test_serve_answers_every_client_at_once(learner: Learner, rng: random.Random) -> None:
    stall = rng.choice([3.0, 3.5, 4.0, 4.5])
    word = rng.choice(WORDS)
    cut = rng.randint(2, len(word) - 2)
    quick = rng.randint(2, 3)
    arrivals = sorted(rng.sample([STEP * k for k in range(1, int((stall - 1) / STEP))], quick))
    conversations = [phrases(rng, 2) for _ in arrivals]
    talks: list[tuple[str, str, float, float | None, str | None]] = []  # client, line, sent, answered, answer
    handlers = Handlers(learner, reraise=True)
    queued: list[tuple[int, str]] = []  # where the learner's code held the other clients' calls of handle
    async with Serving(learner, handlers) as serving:
        origin = loop_clock()
        slow_label = tr("client {n}", n=1)

        async def slow() -> None:
            client = await serving.connect(slow_label)
            client.send(word[:cut].encode())  # half a line, then a long pause
            await asyncio.sleep(stall)
            queued.extend(waiting_their_turn(learner, serving, handlers))  # the others' calls of handle, held back
            await talk(client, word, already=word[:cut])

        async def talk(client: Client, line: str, already: str = "") -> None:
            client.send(line[len(already):].encode() + b"\n")
            sent = loop_clock()
            answer = await client.line(stall + PATIENCE)
            answered = loop_clock() if answer else None
            talks.append((client.label, line, sent - origin, None if answered is None else answered - origin,
                          None if answer is None else answer.decode(errors="replace").removesuffix("\n")))

        async def fast(n: int, at: float, lines: list[str]) -> None:
            await asyncio.sleep(at)
            client = await serving.connect(tr("client {n}", n=n))
            for line in lines:
                await talk(client, line)
            client.writer.close()

        async def ended() -> None:
            await slow()
            serving.clients[0].writer.close()

        await together(ended(), *(fast(n, at, lines) for n, (at, lines) in enumerate(zip(arrivals, conversations),
                                                                                     start=2)))
        await asyncio.sleep(STEP)
        serving.failed()
        judge_errors(learner, handlers, tr("the server ran it for a client"))
        handlers.name(serving.clients)
    late = [t for t in talks if t[3] is None or t[3] - t[2] > TOLERANCE]
    wrong = [t for t in talks if t[4] is not None and t[4] != answer_to(t[1])]
    timeline = handlers.recorder.timeline()
    own = next((t for t in late if t[0] == slow_label), None)
    if own is not None and all(t[0] == slow_label for t in late):  # the others were served: it is the pause itself
        connection = next((c for c in handlers.connections if c.span and c.span.label == slow_label), None)
        ended = None if connection is None or connection.span is None else connection.span.end
        blanks = {"slow": slow_label, "line": repr(own[1]), "sent": seconds(own[2]), "stall": seconds(stall)}
        fail(tr("`handle` did not answer {slow} after it paused in the middle of a line.", **blanks),
             observed=sentences(tr("{slow} sent the start of {line} at 0 s and the rest at {sent}, and got no answer.",
                                   **blanks),
                                tr("Its handler had ended at {ended}, closing the connection.",
                                   ended=seconds(ended - origin)) if ended is not None and ended - origin < stall else ""),
             expected=tr("every line answered once it is whole, however long the client takes to finish it."),
             timeline=timeline,
             advice=tr("A client may pause in the middle of a line as long as it likes, and is still there: wait for "
                       "the rest with `await reader.readline()`, with no timeout of your own around it."))
    if late:
        label, line, sent, answered, _ = min(late, key=lambda t: t[2])
        connection = next((c for c in handlers.connections if c.span and c.span.label == label), None)
        blanks = {"client": label, "slow": slow_label, "line": repr(line), "sent": seconds(sent),
                  "answered": seconds(answered) if answered is not None else "", "stall": seconds(stall)}
        observed = (tr("{client} sent {line} at {sent}; its answer came at {answered}, while {slow} had been in the "
                       "middle of a line from 0 s to {stall}.", **blanks) if answered is not None
                    else tr("{client} sent {line} at {sent} and got no answer, while {slow} had been in the middle of "
                            "a line from 0 s to {stall}.", **blanks))
        began = None if connection is None or connection.span is None else connection.span.start - origin
        cause = None
        if (began is None or began > sent + TOLERANCE) and queued:
            # handle was passed on, but the calls for the other clients waited in the learner's code meanwhile
            spot = {"number": queued[0][0], "source": queued[0][1], "client": label, "slow": slow_label}
            observed = sentences(observed, tr(
                "`handle` began for {client} only at {began}; until then the calls of handle for every client but "
                "{slow} waited in your code, at line {number}: `{source}`.", began=seconds(began), **spot)
                if began is not None else tr(
                "`handle` never began for {client}; the calls of handle for every client but {slow} waited in your "
                "code, at line {number}: `{source}`.", **spot))
            advice, cause = tr(TURNS_ADVICE), "clients take turns"
        elif began is None or began > sent + TOLERANCE:
            advice = tr("Each client needs a handler of its own, running while the others wait: "
                        "`asyncio.start_server(handle, host, port)` starts one task per client. Awaiting "
                        "`handle(...)` in an accept loop serves the next client only once this one has gone.")
        else:
            advice = tr("Each client had its handler at once, but they took turns: something they share kept the "
                        "others waiting while one waited for its client (a Lock held for a whole conversation?). "
                        "Hold nothing shared across an await that waits on a client.")
        fail(tr("`serve` kept {client} waiting for {slow}.", **blanks),
             observed=observed,
             expected=tr("every line answered at once, whatever the other clients are doing: a client in the "
                         "middle of a line holds up no one."),
             timeline=timeline, advice=advice, cause=cause)
    if wrong:
        label, line, _, _, answer = wrong[0]
        fail(tr("`serve` answered {line} with {answer}.", line=repr(line), answer=repr(answer)),
             expected=tr("{answer}: the line reversed, as handle answers it.", answer=repr(answer_to(line))),
             timeline=timeline,
             advice=tr("The answers come from your `handle`, which serve runs for each client: each line arrives "
                       "whole or in pieces, and `await reader.readline()` waits until it is whole."),
             cause="wrong answers")



async def test_serve_ends_every_connection_when_cancelled(learner: Learner, rng: random.Random) -> None:
    kinds = ["talked", "silent", "mid-line"]
    kinds += rng.sample(kinds, rng.randint(0, 2))
    rng.shuffle(kinds)
    handlers = Handlers(learner, reraise=True)
    async with Serving(learner, handlers) as serving:
        for n, kind in enumerate(kinds, start=1):
            client = await serving.connect(tr("client {n}", n=n))
            if kind == "talked":
                line = phrases(rng, 1)[0]
                client.send(line.encode() + b"\n")
                await client.line(PATIENCE)
            elif kind == "mid-line":
                client.send(rng.choice(WORDS).encode())
        await asyncio.sleep(0.5)
        serving.failed()
        judge_errors(learner, handlers, tr("the server ran it for a client"))
        handlers.name(serving.clients)
        queued = waiting_their_turn(learner, serving, handlers)
        if len(handlers.connections) < len(kinds) and queued:
            fail(tr("`serve` did not run `handle` for every client."),
                 observed=tr("{clients} connected; `handle` ran for {count} of them, and the calls for the others "
                             "waited in your code, at line {number}: `{source}`.", clients=plural(len(kinds), "client"),
                             count=len(handlers.connections), number=queued[0][0], source=queued[0][1]),
                 expected=tr("one call of this module's `handle` for each client, at once."),
                 advice=tr(TURNS_ADVICE), cause="clients take turns")
        if len(handlers.connections) < len(kinds):
            fail(tr("`serve` did not run `handle` for every client."),
                 observed=tr("{clients} connected; `handle` ran for {count} of them.",
                             clients=plural(len(kinds), "client"), count=len(handlers.connections)),
                 expected=tr("one call of this module's `handle` for each client, at once."),
                 advice=tr("Pass `handle` to `asyncio.start_server(handle, host, port)`: it calls it with a "
                           "reader and a writer for every client that connects."))
        assert serving.task is not None
        if serving.task.done():
            serving.returned()
        serving.task.cancel()
        await asyncio.wait([serving.task], timeout=PATIENCE)
        for _ in range(3):
            await asyncio.sleep(0)
        serving.failed()
        judge_errors(learner, handlers, tr("serve was cancelled"))
        running = serving.running_then if serving.task.done() else [c for c in handlers.connections if c.running]
        hanging = not serving.task.done()
        spot = waiting_at(learner, serving.task) if hanging else None
        timeline = handlers.recorder.timeline()
        stopped_only = running and all(c.writer.transport.is_closing() for c in running) and not hanging
        blanks = {"handlers": plural(len(running), "handler"), "count": len(running),
                  "clients": listed(c.span.label for c in running if c.span), "patience": seconds(PATIENCE),
                  "line": spot[0] if spot else "", "source": spot[1] if spot else ""}
        if running and stopped_only:
            fail(tr("`serve` ended while {handlers} were still running.", **blanks),
                 observed=tr("the connections of {clients} had been closed, but their handlers had not ended yet "
                             "when serve ended: nothing waited for them.", **blanks),
                 expected=tr("serve ending only once every handler has ended."),
                 timeline=timeline,
                 advice=tr("A handler ends a moment after its connection is closed or its task cancelled: its "
                           "`finally:` still has to run. Keep each handler's task, and after closing (or cancelling) "
                           "them all, wait for them: `await asyncio.gather(*tasks, return_exceptions=True)`. A "
                           "TaskGroup does all of it for you."))
        # Handlers cancelled that went on all the same: their code caught the CancelledError (3.11+ counts it).
        defied = [c for c in running if c.task is not None and not c.task.done() and c.task.cancelling()]
        if defied and len(defied) == len(running):
            fail(tr("`serve` left {handlers} running when it was cancelled.", **blanks),
                 observed=tr("the handlers of {clients} were cancelled, and went on all the same: `handle` caught the "
                             "CancelledError and kept going.", **blanks),
                 expected=tr("serve ending, at the cancel, only once every handler has ended and closed its "
                             "connection."),
                 timeline=timeline,
                 advice=tr("Let the cancellation end `handle`: catch only what a client can cause (ConnectionError) "
                           "around the reads and writes, never CancelledError, and close the connection in "
                           "`finally:`."))
        if running:
            observed = (tr("the handlers of {clients} were still running {patience} after the cancel, and so was "
                           "serve, waiting at line {line}: `{source}`; nothing closed their connections.", **blanks)
                        if spot else
                        tr("the handlers of {clients} were still running {patience} after the cancel, and so was "
                           "serve; nothing closed their connections.", **blanks)
                        if hanging else
                        tr("serve ended at the cancel, and the handlers of {clients} went on; nothing closed their "
                           "connections.", **blanks))
            fail(tr("`serve` left {handlers} running when it was cancelled.", **blanks),
                 observed=observed,
                 expected=tr("serve ending, at the cancel, only once every handler has ended and closed its "
                             "connection."),
                 timeline=timeline,
                 advice=tr("`server.close()` only stops new clients: the connections already open go on, and since "
                           "Python 3.12 `wait_closed()` (and so the end of `async with server:`) waits for them to "
                           "close. Keep each handler's task, and when the cancel comes cancel them all and await "
                           "them; or run them in a TaskGroup around the server."))
        if hanging:
            fail(tr("`serve` was still running {patience} after it was cancelled.", **blanks),
                 observed=tr("it was waiting at line {line}: `{source}`.", **blanks) if spot else None,
                 expected=tr("serve ending at the cancel, once every handler has ended."),
                 timeline=timeline,
                 advice=tr("Let the cancel end serve: do the shutting down in a `finally:`, and let the "
                           "CancelledError go on."))
        for connection in handlers.connections:
            assert connection.span is not None
            judge_closing("handle", connection.closing, connection.closed,
                          tr("the handler of {client} ended when serve was cancelled", client=connection.span.label))
        try:
            late = await connect(serving.port, "")
        except OSError:
            late = None
        if late is not None:
            late.leave()
            fail(tr("`serve` left its server listening when it ended."),
                 observed=tr("after serve had ended, a new client could still connect to port {port}.",
                             port=serving.port),
                 expected=tr("the server closed when serve ends: no new clients."),
                 advice=tr("Call `server.close()` when the cancel comes (in a `finally:`): it stops the server "
                           "accepting clients."))
        judge_cancel_let_through(serving, tr("with {clients} connected", clients=plural(len(kinds), "client"),
                                             count=len(kinds)))
    # The same shutdown with no client at all: no handler to end is a case of its own (an empty set).
    await cancelled_with_no_client(learner)


def judge_cancel_let_through(serving: Serving, situation: str) -> None:
    """Fail for serve having caught the cancel and returned: its task ended, but not cancelled."""
    __tracebackhide__ = True
    assert serving.task is not None
    if not serving.task.done() or serving.task.cancelled():
        return
    outcome = serving.task.result()
    if outcome.error is not None:
        return  # told by whoever called this, as an error
    value = outcome.value
    plain = value is None or isinstance(value, (bool, int, float, str))
    returned_in_finally = checks.in_finally(serving.learner, "serve", (ast.Return,))
    blanks = {"situation": situation, "value": shown(value) if plain else f"<{type(value).__name__}>"}
    fail(tr("`serve` returned when it was cancelled, instead of letting the CancelledError go on."),
         observed=tr("cancelled {situation}, serve returned {value} from a `return` in its `finally:` block, which "
                     "throws the CancelledError away: its task ended as if serve had finished its work, not as "
                     "cancelled.", **blanks) if returned_in_finally
         else tr("cancelled {situation}, serve caught the CancelledError and returned {value}: its task ended as "
                 "if serve had finished its work, not as cancelled.", **blanks),
         expected=tr("the CancelledError coming out of serve once it has shut down: that is how whoever cancelled "
                     "it (a TaskGroup, `asyncio.timeout()`, `asyncio.run()` at Ctrl-C) knows the cancel took "
                     "effect."),
         advice=tr("Leave `return` out of `finally:`: let the block end by itself, and the CancelledError goes on "
                   "once the shutting down is done.") if returned_in_finally
         else tr("Do the shutting down in a `finally:`, which lets the CancelledError go on by itself; in an "
                 "`except asyncio.CancelledError:`, end with a bare `raise`."),
         cause="serve swallows the cancel")


def waits_on_no_task(error: BaseException) -> bool:
    """A ValueError from asyncio.wait() given an empty set."""
    return isinstance(error, ValueError) and any(
        frame.name == "wait" and Path(frame.filename).parent.name == "asyncio"
        for frame in traceback.extract_tb(error.__traceback__))


async def cancelled_with_no_client(learner: Learner) -> None:
    """Serve, with no client ever connected, is cancelled: it must end at once, cancelled."""
    __tracebackhide__ = True
    handlers = Handlers(learner, reraise=True)
    async with Serving(learner, handlers) as serving:
        assert serving.task is not None
        await asyncio.sleep(STEP)
        serving.failed()
        if serving.task.done():
            serving.returned()
        serving.task.cancel()
        await asyncio.wait([serving.task], timeout=PATIENCE)
        learner.check_not_blocked("serve")
        situation = tr("with no client connected")
        if not serving.task.done():
            spot = waiting_at(learner, serving.task)
            fail(tr("`serve` was still running {patience} after it was cancelled {situation}.",
                    patience=seconds(PATIENCE), situation=situation),
                 observed=tr("it was waiting at line {line}: `{source}`.", line=spot[0], source=spot[1])
                 if spot else None,
                 expected=tr("serve ending at the cancel: with no client, there is no handler to wait for."),
                 advice=tr("Let the cancel end serve: do the shutting down in a `finally:`, and let the "
                           "CancelledError go on."))
        error = None if serving.task.cancelled() else serving.task.result().error
        if error is not None:
            kind = type(error).__name__
            fail(tr("`serve` raised {kind} when it was cancelled {situation}.", kind=kind, situation=situation),
                 observed=tr("the error came out of serve instead of the CancelledError."),
                 expected=tr("serve ending cancelled, as it does with clients connected: the shutting down must "
                             "work for any number of handlers, none included."),
                 details=learner.format_error(error),
                 advice=tr("`asyncio.wait()` raises ValueError when it is given no task at all, as when no client "
                           "is connected. Wait only `if tasks:`, or use `await asyncio.gather(*tasks, "
                           "return_exceptions=True)`, which takes none as well.") if waits_on_no_task(error)
                 else known_advice(error))
        judge_cancel_let_through(serving, situation)


# request


@dataclass
class Conversation:
    """What the graders' server for `request` saw of one connection."""

    received: list[tuple[float, bytes]] = field(default_factory=list)  # when each line came, and the line
    answered: list[float] = field(default_factory=list)  # when each answer was finished
    unfinished: bytes = b""  # what came without a b"\n" before the end of the stream
    started: float | None = None  # when the server sent the start of the answer it never finished


class Answering:
    """A server of the graders' that answers each line with the protocol's answer (the line reversed), one delay of
    `delays` for each line: half the answer after half the delay, the rest (with b"\\n") after the other half. After `silent_after` answers it sends
    the start of the next one after its delay, then reads on but says no more: a timeout for each
    piece read, not for the whole answer, would wait on long after it."""

    def __init__(self, delays: Sequence[float], silent_after: int | None = None) -> None:
        self.delays, self.silent_after = delays, silent_after
        self.conversations: list[Conversation] = []
        self.port = 0
        self._tasks: list[asyncio.Task[Any]] = []

    async def __aenter__(self) -> Answering:
        self._server = await asyncio.start_server(
            lambda reader, writer: self._tasks.append(asyncio.create_task(self._serve(reader, writer))), HOST, 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        talk = Conversation()
        self.conversations.append(talk)
        try:
            for n, delay in enumerate(self.delays):
                line = await reader.readline()
                if not line.endswith(b"\n"):
                    talk.unfinished = line
                    break
                talk.received.append((loop_clock(), line))
                # The answer to the line that came: a client that skips a line, or sends one twice, gets answers that show it.
                answer = answer_to(line[:-1].decode(errors="replace"))
                half = len(answer) // 2
                if self.silent_after is not None and n >= self.silent_after:
                    await asyncio.sleep(delay)
                    writer.write(answer[:half].encode())
                    talk.started = loop_clock()
                    await reader.read()  # silent while the client talks; and once it has sent all it will (EOF),
                    await asyncio.Event().wait()  # silent still, the connection open: a silent server never hangs up
                await asyncio.sleep(delay / 2)
                writer.write(answer[:half].encode())
                await asyncio.sleep(delay / 2)
                writer.write(answer[half:].encode() + b"\n")
                talk.answered.append(loop_clock())
            await reader.read()
        except ConnectionError:
            pass
        finally:
            writer.transport.abort()


@dataclass
class Called:
    """How a call of the learner's request went."""

    outcome: Outcome | None  # None: still running at the graders' deadline (then cancelled)
    ended: float  # loop time, from the call
    writers: list[tuple[bool, bool]]  # for each connection it opened: closing, closed, when it returned or raised


@contextlib.contextmanager
def stream_writers() -> Iterator[list[asyncio.StreamWriter]]:
    """Every asyncio.StreamWriter made while active (open_connection makes one per connection)."""
    made: list[asyncio.StreamWriter] = []
    original = asyncio.StreamWriter.__init__

    def noted(self: asyncio.StreamWriter, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    asyncio.StreamWriter.__init__ = noted  # type: ignore[method-assign]
    try:
        yield made
    finally:
        asyncio.StreamWriter.__init__ = original  # type: ignore[method-assign]


async def call_request(learner: Learner, port: int, lines: list[str], timeout: float, deadline: float) -> Called:
    """Call request, giving up on it (cancelled) `deadline` seconds after the call."""
    start = loop_clock()
    with stream_writers() as made:

        def theirs() -> list[asyncio.StreamWriter]:
            return [w for w in made if (w.get_extra_info("peername") or (None, None))[1] == port]

        async def run() -> Called:
            outcome = await learner.outcome("request", HOST, port, list(lines), timeout)
            # At the moment it returned or raised, before the loop turns.
            return Called(outcome, loop_clock() - start, [(w.transport.is_closing(), socket_closed(w)) for w in theirs()])

        task = asyncio.create_task(run())
        await asyncio.wait([task], timeout=deadline)
        if task.done():
            return task.result()  # a failure the call told already (a TODO, a blocking call) is raised here
        task.cancel()
        await asyncio.wait([task], timeout=PATIENCE)
        learner.check_not_blocked("request")
        return Called(None, loop_clock() - start, [])


def judge_request_closing(called: Called, after: str) -> None:
    __tracebackhide__ = True
    if not called.writers:
        fail(tr("`request` opened no connection with asyncio.open_connection."),
             expected=tr("one connection, opened with `reader, writer = await asyncio.open_connection(host, port)`."),
             advice=tr("Talk to the server through asyncio's streams: open_connection gives you a reader and a "
                       "writer."), cause="no stream request")
    for closing, closed in called.writers:
        judge_closing("request", closing, closed, after)


def unfinished_lines(server: Answering) -> None:
    __tracebackhide__ = True
    unfinished = next((t.unfinished for t in server.conversations if t.unfinished), b"")
    if unfinished:
        fail(tr("`request` sent a line without b\"\\n\" at its end."),
             observed=tr("the server got {data} and then the end of the stream: it was still waiting for the end "
                         "of the line.", data=repr(unfinished)),
             expected=tr("each line sent with b\"\\n\" at its end: that is what tells the server the line is whole."),
             advice=tr("`writer.write(line.encode() + b\"\\n\")`."))


async def test_request_returns_every_answer(learner: Learner, rng: random.Random) -> None:
    lines = with_spaces_at_the_ends(phrases(rng, rng.randint(3, 5)))
    # An empty line, between two others, on every draw: its answer is an empty line too, b"\n", not the end of the
    # stream (b""), and a client that takes it for the end, or skips it, shows.
    empty = rng.randint(1, len(lines) - 1)
    lines.insert(empty, "")
    answers = [answer_to(line) for line in lines]  # the protocol the README states: a client may rely on it
    timeout = rng.choice([1.5, 2.0, 2.5, 3.0])
    # Each answer comes well within `timeout` of the one before, and all of them take longer than it.
    delays = [timeout * rng.choice([0.4, 0.5, 0.6, 0.7]) for _ in lines]
    async with Answering(delays) as server:
        called = await call_request(learner, server.port, lines, timeout, sum(delays) + timeout + PATIENCE)
    blanks = {"timeout": seconds(timeout), "expected": repr(answers), "elapsed": seconds(called.ended),
              "slowest": seconds(max(delays))}
    if called.outcome is None:
        unfinished_lines(server)
        fail(tr("`request` was still running {elapsed} after it was called.", **blanks),
             observed=tr("the server answered every line it got within {slowest}; request never returned.",
                         **blanks),
             expected=tr("{expected}, once the last answer has come.", **blanks),
             advice=tr("Read exactly one line for each line you send: `await reader.readline()`."))
    error = called.outcome.error
    if isinstance(error, TimeoutError):
        unfinished_lines(server)
        got = sum(len(t.answered) for t in server.conversations)
        fail(tr("`request` raised TimeoutError after {elapsed}, though every answer came in time.", **blanks),
             observed=tr("the server answered each line within {slowest} of the answer before (the timeout was "
                         "{timeout}), all of them in {total}; request gave up after {answers}.",
                         total=seconds(sum(delays)), answers=plural(got, "answer"), count=got, **blanks),
             expected=tr("{expected}: the timeout is for each answer, not for the whole conversation.", **blanks),
             advice=tr("Put the timeout around each read: `await asyncio.wait_for(reader.readline(), timeout)` "
                       "inside the loop, not `asyncio.timeout(timeout)` around the loop."))
    if error is not None:
        learner.fail_raised("request", error)
    value = called.outcome.value
    if value != answers:
        stripped = isinstance(value, list) and len(value) == len(answers) and all(
            isinstance(v, str) and v.strip() == a.strip() for v, a in zip(value, answers))
        halves = isinstance(value, list) and any(isinstance(v, str) and v and a.startswith(v.strip()) and v.strip() != a
                                                 for v, a in zip(value, answers))
        # The answers up to the empty line's and no more (its answer taken for the end of the stream), or every other
        # answer right with the empty one missing or out of its place (the empty line skipped).
        no_empty = isinstance(value, list) and (value == answers[:empty] or (
            [v for v in value if v != ""] == [a for a in answers if a != ""]))
        fail(tr("`request` returned {value}.", value=shown(value, width=160)),
             observed=tr("the server sent each answer in two pieces, a moment apart, as TCP may deliver them."),
             expected=tr("{expected}: the answers, whole, without their b\"\\n\", in order.", **blanks),
             advice=tr("Spaces at the start or end of an answer are part of it: take off the b\"\\n\" alone, "
                       "`answer[:-1]` (or `rstrip(b\"\\n\")`), not `strip()` nor `rstrip()`, which take the spaces too.") if stripped
             else tr("An empty line is a line like any other: send it as b\"\\n\" and read its answer, b\"\\n\", which "
                     "is the empty string once its b\"\\n\" is off. Only b\"\" from readline() is the end of the "
                     "stream.") if no_empty
             else tr("`read(n)` gives whatever has arrived, maybe half an answer. `await reader.readline()` waits "
                     "for the whole line.") if halves
             else tr("Return a list with one string per line sent: each answer decoded, without its b\"\\n\"."))
    judge_request_closing(called, tr("request returned"))


async def test_request_gives_up_on_a_silent_server(learner: Learner, rng: random.Random) -> None:
    lines = phrases(rng, rng.randint(2, 4))
    answered = rng.randint(1, len(lines) - 1)
    timeout = rng.choice([1.5, 2.0, 2.5, 3.0])
    delays = [timeout * rng.choice([0.2, 0.3, 0.4]) for _ in lines]
    await gives_up(learner, lines, answered, timeout, delays)
    # And a server that answers nothing, on every draw: a first read with no timeout of its own shows.
    await gives_up(learner, lines, 0, timeout, delays)
    # A timeout of 0, on every draw: no time at all for the first answer, so TimeoutError at once (`timeout or None`
    # gives no deadline instead, and the answers come).
    async with Answering(delays) as server:
        called = await call_request(learner, server.port, lines, 0, sum(delays) + PATIENCE)
    blanks = {"patience": seconds(sum(delays) + PATIENCE), "elapsed": seconds(called.ended)}
    expected = tr("TimeoutError at once: a timeout of 0 leaves no time for an answer.")
    if called.outcome is None:
        fail(tr("`request` was still waiting {patience} after it was called with a timeout of 0.", **blanks),
             expected=expected, advice=tr(checks.ZERO_ADVICE))
    if called.outcome.error is None:
        fail(tr("`request` returned {value} for a timeout of 0.", value=shown(called.outcome.value)),
             observed=tr("it waited {elapsed} for the answers, as if there were no deadline.", **blanks),
             expected=expected, advice=tr(checks.ZERO_ADVICE))
    if not isinstance(called.outcome.error, TimeoutError):
        learner.fail_raised("request", called.outcome.error)
    if called.ended >= checks.AT_ONCE:
        fail(tr("`request` raised TimeoutError after {elapsed} for a timeout of 0.", **blanks),
             expected=expected,
             advice=tr(checks.ZERO_FLOOR_ADVICE))
    if called.writers:  # a client that puts its timeout on the connecting too gives up before it has a connection
        judge_request_closing(called, tr("request raised TimeoutError"))


async def gives_up(learner: Learner, lines: list[str], answered: int, timeout: float, delays: list[float]) -> None:
    """request against a server that answers the first `answered` lines, then sends the start of the next answer and
    falls silent: TimeoutError `timeout` after the last answer (or after the call, where there is none)."""
    __tracebackhide__ = True
    async with Answering(delays, silent_after=answered) as server:
        start = loop_clock()
        due = sum(delays[:answered]) + timeout  # from the call: the last answer, then one timeout
        called = await call_request(learner, server.port, lines, timeout, due + PATIENCE)
        talk = server.conversations[0] if server.conversations else Conversation()
        if talk.answered:
            due = talk.answered[-1] - start + timeout
    blanks = {"timeout": seconds(timeout), "answered": answered, "line": repr(lines[answered]),
              "due": seconds(due), "elapsed": seconds(called.ended), "patience": seconds(PATIENCE)}
    observed = tr("the server got {line}, sent the start of its answer and said nothing more.", **blanks) \
        if answered == 0 else tr("the server answered the first line, then got {line}, sent the start of its answer "
                                 "and said nothing more.", **blanks) \
        if answered == 1 else tr("the server answered the first {answered} lines, then got {line}, sent the start of "
                                 "its answer and said nothing more.", **blanks)
    expected = tr("TimeoutError at {due}: {timeout} after the call.", **blanks) if answered == 0 \
        else tr("TimeoutError at {due}: {timeout} after the last answer.", **blanks)
    if called.outcome is None:
        unfinished_lines(server)
        deadlines = {"wait_for", "timeout", "timeout_at"} & learner.names_reached("request")
        fail(tr("`request` was still waiting {patience} after its timeout had run out.", **blanks),
             observed=observed, expected=expected,
             advice=tr("Your reads have a deadline ({names}), but it had not come {patience} after this answer's "
                       "timeout: give each answer `timeout` seconds from when you start waiting for it, not a deadline "
                       "counted from the call or one that grows with the lines.", names=listed(sorted(deadlines)),
                       **blanks) if deadlines
             else tr("`await reader.readline()` waits for as long as it takes: a server that says nothing keeps "
                     "it waiting for ever. Give each read its deadline: `await asyncio.wait_for(reader.readline(), "
                     "timeout)`."))
    error = called.outcome.error
    if error is None:
        fail(tr("`request` returned {value} instead of raising TimeoutError.", value=shown(called.outcome.value)),
             observed=observed, expected=expected,
             advice=tr("Let the TimeoutError reach the caller: when an answer does not come, there is no list of "
                       "answers to return."))
    if not isinstance(error, TimeoutError):
        learner.fail_raised("request", error)
    if called.ended > due + TOLERANCE:
        # Timed out a whole timeout after the start of the unfinished answer: the clock was started again by a piece.
        per_piece = talk.started is not None and abs(called.ended - (talk.started - start + timeout)) <= TOLERANCE
        fail(tr("`request` raised TimeoutError at {elapsed}, later than its timeout allowed.", **blanks),
             observed=observed, expected=expected,
             advice=tr("Your timeout started again when the start of the answer came: it was around each piece "
                       "you read, not around the whole answer. Wait at most `timeout` for the whole line: "
                       "`await asyncio.wait_for(reader.readline(), timeout)`.") if per_piece
             else tr("Use the `timeout` you were given, for each answer on its own, from when you start waiting "
                     "for it."))
    judge_request_closing(called, tr("request raised TimeoutError"))
