"""Load the learner's file and call into it, turning every way it can go wrong into plain words."""

from __future__ import annotations

import _thread
import asyncio
import functools
import gc
import importlib.util
import inspect
import itertools
import linecache
import re
import sys
import textwrap
import traceback
import types
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from types import ModuleType
from typing import Any

from looptime import LoopTimeEventLoop

from .blocking import BlockingCall, LoopGuard
from .feedback import GraderFailure, NotRun, TookTooLong, fail, plural, seconds, shown, without_run_details
from .heartbeat import line_of
from ..i18n import sentences, tr
from .probes import ThreadWatch

_serial = itertools.count()
# Files whose import ran out of time, by (path, mtime, size): the other graders of the run say
# so at once rather than each waiting out its own timeout on the same endless top-level code.
_HUNG_IMPORTS: dict[tuple[Path, int, int], str] = {}
# Files whose import was slow and whose module later graders can share (see `_shareable`), by
# (path, mtime, size): the module, and its namespace as the import left it.
_SHARED: dict[tuple[Path, int, int], tuple[ModuleType, dict[str, Any]]] = {}
SLOW_IMPORT = 0.5  # seconds of real time: an import this slow is told, with the line it spent them on
SAMPLE_EVERY = 0.05  # seconds between looks at the line a slow import is running


@functools.cache
def _compiled(version: tuple[Path, int, int]) -> types.CodeType:
    """The learner's file compiled, once per version of it and process: every grader loads the file
    afresh, and grading runs write no bytecode (the fork server's children, for one)."""
    path = version[0]
    return compile(path.read_bytes(), str(path), "exec", dont_inherit=True)


@dataclass
class Outcome:
    """What a learner's call ended with: a value, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None


@dataclass
class Stream:
    """What `async for` got from a learner's async generator: the items, and when each arrived."""

    generator: Any
    items: list[Any] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)


SYNC_COROUTINE_ADVICE = ("A plain function cannot `await`: run the coroutine to its end with `asyncio.run(...)` and "
                         "return what that gives.")


class Learner:
    """The learner's module, loaded fresh for one grader test (or shared with earlier ones: see `_shareable`)."""

    def __init__(self, path: Path, shown: str, guard: LoopGuard, threads: ThreadWatch, *,
                 stopped: Collection[str] = ()) -> None:
        self.path = path
        self.shown = shown  # the path as the learner would type it
        self.guard = guard
        self.threads = threads
        self.stopped = stopped  # its functions an earlier grader stopped at the time limit: not run again
        self.module: ModuleType | None = None
        self.load_error: str | None = None
        # Why it could not load, in a word or two the command can translate ("syntax 4", "import aiohtttp", "hang").
        self.load_problem = ""
        self.import_seconds = 0.0  # real time the import took; 0 for a module shared with an earlier grader
        self.import_line: str | None = ""  # the top-level line a slow import spent most of it on (see _TopLevel.line)
        self.calling = ""  # the function of the learner's the grader called last: what ran out of time, if anything did
        self.untouched = {name: _resolve(name) for name in WATCHED}
        self.loops: set[asyncio.AbstractEventLoop] = set()  # where its functions were called, to clean up after

    def replaced(self) -> list[str]:
        """Clocks and asyncio functions the learner's code swapped for something else."""
        names = [name for name, original in self.untouched.items() if _resolve(name) is not original]
        if any(_clock_replaced(loop) for loop in self.loops):
            names.append("loop.time")
        return names

    def put_back(self) -> None:
        """Undo what `replaced` names: the next grader, or the next topic graded in this process, must
        not measure with a clock this file replaced (a loop's class is shared by every loop of it)."""
        for name, original in self.untouched.items():
            if _resolve(name) is not original:
                owner, _, attribute = name.rpartition(".")
                setattr(_resolve(owner), attribute, original)
        for loop in self.loops:
            _put_back_clock(loop)

    def load(self) -> None:
        """Import the file. Errors are kept, not raised: they fail the test itself, not its setup."""
        stat = self.path.stat()
        version = (self.path, stat.st_mtime_ns, stat.st_size)
        if version in _HUNG_IMPORTS:  # it would hang again: say so at once instead of after another timeout
            self.load_error, self.load_problem = _HUNG_IMPORTS[version], "hang"
            return
        if version in _SHARED:
            self.module, namespace = _SHARED[version]
            self.module.__dict__.clear()
            self.module.__dict__.update(namespace)  # as the import left it: what one grader's calls changed is undone
            sys.modules[self.module.__name__] = self.module
        else:
            self._import(version)
        if self.replaced():
            self.load_error, self.load_problem = self._replaced_message(), "replaced"

    def _import(self, version: tuple[Path, int, int]) -> None:
        name = f"aiolings_learner_{next(_serial)}_{self.path.stem}"
        spec = importlib.util.spec_from_file_location(name, self.path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            with _TopLevel(self.path) as top:
                exec(_compiled(version), module.__dict__)  # a fresh module each grader, from code compiled once
        except SyntaxError as error:
            self.load_error, self.load_problem = describe_syntax_error(error, self.shown), f"syntax {error.lineno or 0}"
        except TookTooLong as error:
            self.load_error = _HUNG_IMPORTS[version] = (
                tr("Importing {file} never finished: code at the top level of the file ran for over {seconds:g} s.",
                   file=self.shown, seconds=error.seconds)
                + f"\n{error.where}\n"
                + tr("Keep experiments under `if __name__ == \"__main__\":` so that importing the file only defines functions.")
            )
            self.load_problem = "hang"
        except SystemExit:
            self.load_error = tr("{file} called exit() while it was being imported, so none of its functions could be checked.", file=self.shown)
            self.load_problem = "exit"
        except BaseException as error:  # noqa: BLE001 - anything the learner's module raises is feedback
            self.load_error = tr("Importing {file} failed:", file=self.shown) + f"\n{self.format_error(error)}"
            if isinstance(error, ImportError):
                self.load_problem = f"import {error.name or ''}".strip()
            else:
                self.load_problem = f"raised {type(error).__name__}"
        else:
            self.module = module
        self.import_seconds, self.import_line = top.seconds, top.line()
        # A slow import is paid once per run where the graders after this one can share its module
        # and get what a fresh import would give them: nothing it ran left state a call could change.
        if (self.module is not None and self.import_seconds >= SLOW_IMPORT and not self.replaced()
                and not self.guard.calls and not self.threads.started and _shareable(self.module)):
            _SHARED[version] = (self.module, dict(self.module.__dict__))

    def slow_import(self) -> str:
        """What to tell the learner when importing the file took SLOW_IMPORT seconds or more, else "": also
        when the time went into importing modules (see _TopLevel.line), which is no code of theirs to move."""
        if self.import_seconds < SLOW_IMPORT or self.import_line is None or self.load_problem == "hang":
            return ""
        # The bound, not the time measured: that differs from run to run, and the same file must get the same words.
        seconds = f"{SLOW_IMPORT:g}"
        took = (tr("Importing {file} took over {seconds} s, most of it at {line}.", file=self.shown, seconds=seconds,
                   line=self.import_line)
                if self.import_line else tr("Importing {file} took over {seconds} s.", file=self.shown, seconds=seconds))
        return sentences(took, tr("Code at the top level of the file runs each time the graders import it: keep demos "
                                  "and experiments under `if __name__ == \"__main__\":`."))

    def _replaced_message(self) -> str:
        return tr("{file} replaced {names}: the graders measure your code with these, so they cannot check it.",
                  file=self.shown, names=", ".join(self.replaced())) + "\n" + tr(
            "Use them as they are; do not assign to attributes of asyncio, time or the event loop.")

    def stop_stragglers(self) -> None:
        """End what the learner's code left running on the loops it ran in (see `stop_stragglers`)."""
        for loop in self.loops:
            stop_stragglers(loop)

    def unload(self) -> None:
        if self.module is not None:
            sys.modules.pop(self.module.__name__, None)

    # Finding functions.

    def names_reached(self, name: str) -> set[str]:
        """The names the learner's function `name` uses (attributes and keyword arguments included), with those of the
        functions nested in it and of the file's own functions and classes (their methods) it names, and so on: the
        code that a helper of the learner's runs for it counts as its own."""
        module = self.module
        seen: set[object] = set()

        def walk(code: types.CodeType) -> set[str]:
            if code in seen:
                return set()
            seen.add(code)
            found = set(code.co_names)
            for const in code.co_consts:
                if isinstance(const, types.CodeType):
                    found |= walk(const)
                elif isinstance(const, tuple):  # the keyword arguments' names of a call
                    found |= {word for word in const if isinstance(word, str)}
            for used in code.co_names:
                helper = getattr(module, used, None)
                if getattr(helper, "__module__", None) != getattr(module, "__name__", None) or helper in seen:
                    continue
                if isinstance(helper, types.FunctionType):
                    found |= walk(helper.__code__)
                elif isinstance(helper, type):
                    seen.add(helper)
                    for member in vars(helper).values():
                        member = getattr(member, "__func__", member)  # a staticmethod's or classmethod's function
                        if isinstance(member, types.FunctionType):
                            found |= walk(member.__code__)
            return found

        return walk(self.function(name, is_async=None).__code__)

    def function(self, name: str, *, is_async: bool | None = True) -> Callable[..., Any]:
        """The learner's function `name`; `is_async` True wants `async def`, False a plain `def`, None either."""
        try:
            self.loops.add(asyncio.get_running_loop())
        except RuntimeError:  # called from plain code: no loop to clean up after
            pass
        __tracebackhide__ = True
        if self.load_error:
            fail(tr("Your file could not be loaded, so none of its functions could be checked."), details=self.load_error,
                 cause=f"load {self.load_problem}".strip())
        if name in self.stopped:
            raise NotRun(tr("Not run: `{name}` was stopped after the first time limit, so its other graders do not wait "
                            "for it again.", name=name), reason=tr("stopped after the first time limit"),
                         cause=f"time limit {name}")
        self.calling = name
        assert self.module is not None
        fn = getattr(self.module, name, None)
        if fn is None:
            fail(
                tr("function `{name}` is not defined in {file}.", name=name, file=self.shown),
                advice=tr("Keep the name `{name}` from the exercise (did you rename or delete it?).", name=name),
                cause=f"missing {name}",
            )
        if not callable(fn):
            fail(tr("`{name}` in {file} should be a function, but it is {kind}.", name=name, file=self.shown, kind=type(fn).__name__),
                 cause=f"kind {name}")
        if is_async is True and not inspect.iscoroutinefunction(fn):
            fail(
                tr("`{name}` must be a coroutine function, defined with `async def`.", name=name),
                observed=tr("`{name}` is a lambda, a plain function that cannot use `await`.", name=name)
                if getattr(fn, "__name__", "") == "<lambda>"
                else tr("`{name}` is a plain function (`def {name}(...)`), so it cannot use `await`.", name=name),
                advice=tr("Write `async def {name}(...)`, as in the exercise.", name=name),
                cause=f"kind {name}",
            )
        if is_async is False and inspect.iscoroutinefunction(fn):
            fail(
                tr("`{name}` must be a plain function (`def`), not `async def`.", name=name),
                observed=tr("calling `{name}(...)` only creates a coroutine object; nothing runs.", name=name),
                advice=tr("Keep `def`, as in the exercise: this function is where ordinary code starts the event loop."),
                cause=f"kind {name}",
            )
        return fn

    # Calling.

    async def outcome(self, name: str, *args: Any, budget: float = 600.0, coroutine_advice: str | None = None) -> Outcome:
        """Await `name(*args)`, giving it `budget` seconds of loop time. Learner errors are returned, not raised.

        `coroutine_advice` is what to try when it returns a coroutine object (the usual: add an `await`)."""
        __tracebackhide__ = True
        fn = self.function(name)
        try:
            async with asyncio.timeout(budget):
                value = await fn(*args)
        except TimeoutError as error:
            self._check_budget(name, error, budget)
            return self._checked(name, Outcome(error=error))
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - a group of CancelledErrors too: see known_advice
            return self._checked(name, Outcome(error=error))
        return self._checked(name, Outcome(value=value), coroutine_advice)

    async def call(self, name: str, *args: Any, budget: float = 600.0, coroutine_advice: str | None = None) -> Any:
        """Await `name(*args)` and return its result; any exception it raises fails the grader."""
        __tracebackhide__ = True
        result = await self.outcome(name, *args, budget=budget, coroutine_advice=coroutine_advice)
        if result.error is not None:
            self.fail_raised(name, result.error)
        return result.value

    async def stream(self, name: str, *args: Any, take: int | None = None, budget: float = 600.0,
                     pause: float = 0.0) -> Stream:
        """Read the async generator `name(*args)` with `async for`, noting when each item arrived (loop clock), and
        spending `pause` seconds on each item before asking for the next, as a slow consumer does.

        Stops after `take` items without closing the generator (closing is the grader's to check);
        any error, blocking call, unwritten TODO or endless wait fails the grader, as in `call`.
        """
        __tracebackhide__ = True
        fn = self.function(name, is_async=None)
        if inspect.iscoroutinefunction(fn):
            value = await self.call(name, *args, budget=budget)
            fail(
                tr("`{name}` must be an async generator, but it returned {kind} {value}.",
                   name=name, kind=type(value).__name__, value=shown(value)),
                observed=tr("an `async def` without `yield` is a coroutine: it runs to its end and returns once."),
                expected=tr("items handed over one at a time with `yield`, each as soon as it is ready."),
                advice=tr("Put `yield item` inside the loop, where you would append to a list, and drop the return."),
            )
        # An async generator, or any function that returns an async iterator (a class with
        # __aiter__ and __anext__): `async for` reads both alike.
        iterable = fn(*args) if inspect.isasyncgenfunction(fn) else self.call_sync(name, *args, is_async=None)
        if not hasattr(type(iterable), "__aiter__"):
            fail(tr("`{name}` must be an async generator: `async def {name}(...)` with `yield` inside.", name=name))
        stream = Stream(iterable)
        loop = asyncio.get_running_loop()
        cancelled_meanwhile = False  # the generator's own code cancelled the consumer while it was busy (see below)
        try:
            async with asyncio.timeout(budget) as limit:
                async for item in stream.generator:
                    self.check_not_blocked(name)
                    stream.items.append(item)
                    stream.arrivals.append(loop.time())
                    if take is not None and len(stream.items) >= take:
                        break
                    if pause:
                        try:
                            await asyncio.sleep(pause)
                        except asyncio.CancelledError:
                            if limit.expired():
                                raise
                            cancelled_meanwhile = True
                            break
        except TimeoutError as error:
            self._check_budget(name, error, budget)
            self.fail_raised(name, error)
        except Exception as error:  # noqa: BLE001
            self._checked(name, Outcome(error=error))
            self.fail_raised(name, error)
        if cancelled_meanwhile:
            self._cancelled_its_consumer(name, len(stream.items), pause)
        self.check_not_blocked(name)
        return stream

    def _cancelled_its_consumer(self, name: str, items: int, pause: float) -> None:
        """Fails for a generator whose own code cancelled its consumer's Task while the consumer was busy with an item
        (a timeout around a `yield`): the cancel is taken back, for the grader's Task to go on."""
        __tracebackhide__ = True
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        fail(
            tr("`{name}` cancelled its consumer while the consumer was busy with an item.", name=name),
            observed=tr("the consumer took {items} and spent {pause} on each; meanwhile a CancelledError came from "
                        "your generator's code.", items=plural(items, "item"), pause=seconds(pause)),
            expected=tr("a generator that waits only inside itself: what its consumer does between items is none of "
                        "its business."),
            advice=tr("A timeout around a `yield` belongs to the Task that reads the generator, and cancels whatever "
                      "that Task awaits when it fires. Put a timeout around a wait inside the generator only (`async "
                      "with asyncio.timeout(...)` around `await asyncio.sleep(...)`), never around a `yield`."),
        )

    def _check_budget(self, name: str, error: TimeoutError, budget: float) -> None:
        """Fail when the TimeoutError is the grader's budget running out, not one the learner's code raised."""
        __tracebackhide__ = True
        if not self._raised_by_learner(error):
            self.check_not_blocked(name)
            fail(
                tr("`{name}` was still running after {budget:g} s of loop time, so the grader stopped it.", name=name, budget=budget),
                observed=tr("it never finished: a loop that never ends, or an await on something that never happens."),
                advice=tr("Check every `while` loop has a way out, and every await has something that completes it."),
            )

    def call_sync(self, name: str, *args: Any, is_async: bool | None = False) -> Any:
        __tracebackhide__ = True
        fn = self.function(name, is_async=is_async)
        try:
            value = fn(*args)
        except Exception as error:  # noqa: BLE001
            self._checked(name, Outcome(error=error))
            self.fail_raised(name, error)
        # A plain function cannot `await`: the usual advice would be a SyntaxError there.
        advice = None if inspect.iscoroutinefunction(fn) else SYNC_COROUTINE_ADVICE
        return self._checked(name, Outcome(value=value), advice).value

    def _checked(self, name: str, outcome: Outcome, coroutine_advice: str | None = None) -> Outcome:
        """Fail at once for errors no grader accepts: blocking calls, unwritten TODOs, a changed signature."""
        __tracebackhide__ = True
        self.check_not_blocked(name)
        if self.replaced():
            fail(tr("`{name}` changed the tools the graders measure with.", name=name), details=self._replaced_message())
        if inspect.iscoroutine(outcome.value):
            outcome.value.close()  # it will never run; closing it avoids a "never awaited" warning on top
            fail(
                tr("`{name}` returned a coroutine object, which does nothing until it is awaited.", name=name),
                observed=tr("a coroutine object: calling an `async def` function creates one, but nothing runs until it is awaited."),
                advice=tr(coroutine_advice or "Put `await` in front of the call whose result you return."),
                cause=f"coroutine {name}",
            )
        error = outcome.error
        if isinstance(error, NotImplementedError) and self._raised_by_learner(error):
            fail(
                tr("`{name}` is not written yet: it still raises NotImplementedError.", name=name),
                advice=tr("Replace the TODO in `{name}` in {file} with your code.", name=name, file=self.shown),
                cause=f"todo {name}",
            )
        if isinstance(error, TypeError) and not self._raised_by_learner(error):
            fail(
                tr("The grader could not call `{name}`: {error}.", name=name, error=error),
                advice=tr("Keep the parameters of `{name}` as the exercise gives them.", name=name),
                cause=f"signature {name}",
            )
        return outcome

    def check_not_blocked(self, name: str) -> None:
        """Fail if learner code made a blocking call on the loop's thread since the last check."""
        __tracebackhide__ = True
        calls = self.guard.take()
        if calls:
            fail(
                tr("`{name}` blocked the event loop.", name=name),
                observed=blocking_summary(calls),
                expected=tr("no blocking calls on the event loop's thread: while one runs, no other task can make any progress."),
                advice=blocking_advice(calls),
                # The call and its line, not its arguments: the same sleep with another grader's delay is the same cause.
                cause=f"blocked {name} {calls[0].function} line {calls[0].line}",
            )

    def fail_raised(self, name: str, error: BaseException) -> None:
        __tracebackhide__ = True
        text = _shown_error(str(error))
        fail(tr("`{name}` raised {kind}: {error}", name=name, kind=type(error).__name__, error=text) if text
             else tr("`{name}` raised {kind}.", name=name, kind=type(error).__name__),
             details=self.format_error(error), advice=known_advice(error),
             cause=f"raised {name} {re.sub(r'[0-9]+', 'N', self.format_error(error))}")

    def cancelled_itself(self, error: BaseException) -> GraderFailure | None:
        """The failure to report when a CancelledError the learner's code raised (awaiting a Task it had
        cancelled, say) got out of a grader that cancelled nothing: graders that expect one catch it first."""
        if not isinstance(error, asyncio.CancelledError) or not self.calling or not self._raised_by_learner(error):
            return None
        try:
            self.fail_raised(self.calling, error)
        except GraderFailure as failure:
            return failure
        return None

    def _raised_by_learner(self, error: BaseException) -> bool:
        return any(Path(f.filename) == self.path for f in traceback.extract_tb(error.__traceback__))

    def format_error(self, error: BaseException) -> str:
        """The exception with only the learner's own lines of its traceback (and of what a group holds)."""
        frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == self.path]
        # A library may raise one shared exception object again and again (aiohttp's "Connection
        # closed"): its traceback then grows by the same lines at every raise, in this grader and in
        # those before it. Show each line of the learner's once, so that the message (and the cause
        # that groups failures) does not depend on how often it was raised before.
        lines: list[str] = []
        for f in frames:
            line = f"{self.shown}, line {f.lineno}, in {f.name}\n    {f.line}"
            if line not in lines:
                lines.append(line)
        text = _shown_error(str(error))
        lines.append(f"{type(error).__name__}: {text}" if text else type(error).__name__)
        for inner in getattr(error, "exceptions", ()):  # an ExceptionGroup: what it carries is what happened
            lines.append(textwrap.indent(self.format_error(inner), "  | "))
        return "\n".join(lines)


class _TopLevel:
    """Watches the import of the file at `path` from a thread of its own: once it has run
    SLOW_IMPORT seconds, notes every SAMPLE_EVERY seconds which of its lines the import is at. A bare
    _thread, as in heartbeat.Heartbeat: ThreadWatch counts threading.Thread.start as the learner's."""

    def __init__(self, path: Path) -> None:
        self.file = str(path)
        self.lines: Counter[int] = Counter()
        self.seconds = 0.0  # real time from entering the block to leaving it
        self.importer = _thread.get_ident()
        self._over = _thread.allocate_lock()
        self._watched = _thread.allocate_lock()

    def __enter__(self) -> _TopLevel:
        self._over.acquire()
        self._watched.acquire()
        try:
            _thread.start_new_thread(self._watch, ())
        except RuntimeError:  # no thread to be had (code graded before used them all up): the import goes unwatched
            self._watched.release()
        self.seconds = perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = perf_counter() - self.seconds
        self._over.release()
        with self._watched:  # the watcher ends within one look
            pass

    def _watch(self) -> None:
        try:
            wait = SLOW_IMPORT
            while not self._over.acquire(timeout=wait):
                wait = SAMPLE_EVERY
                frame = sys._current_frames().get(self.importer)
                while frame is not None and (frame.f_code.co_name, frame.f_code.co_filename) != ("<module>", self.file):
                    frame = frame.f_back
                if frame is not None:
                    self.lines[line_of(frame)] += 1
        finally:
            self._watched.release()

    def line(self) -> str | None:
        """The line the import was seen at most often ("line 40: `asyncio.run(demo())`"); "" if it was never
        seen; None if it was seen importing modules, which a first import (of aiohttp, say) may be slow to do."""
        if not self.lines:
            return ""
        line = self.lines.most_common(1)[0][0]
        source = linecache.getline(self.file, line).strip()
        return None if source.startswith(("import ", "from ")) else tr("line {line}: `{source}`", line=line, source=source)


IMMUTABLE = (type(None), bool, int, float, complex, str, bytes, range, type(Ellipsis))


def _unchanging(value: object) -> bool:
    """Whether no call can change `value` in place."""
    if isinstance(value, (tuple, frozenset)):
        return all(_unchanging(item) for item in value)
    return isinstance(value, IMMUTABLE)


def _shareable(module: ModuleType) -> bool:
    """Whether graders can share `module`, its namespace put back before each as the import left it,
    and get what a fresh import would give each of them. So when it holds only modules, what it
    imported from them (the same objects a fresh import binds), values no call can change, and
    functions of its own with no state of their own: no closure, no attributes, unchanging defaults.
    A class of its own, a list, a lock or a logger could carry one grader's doings into the next."""
    for key, value in module.__dict__.items():
        if key.startswith("__") and key.endswith("__") or isinstance(value, ModuleType) or _unchanging(value):
            continue
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
            if (value.__closure__ is not None or vars(value) or not _unchanging(value.__defaults__)
                    or not _unchanging(tuple((value.__kwdefaults__ or {}).values()))):
                return False
        elif not isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)) or value.__module__ == module.__name__:
            return False
    return True


# What graders measure with: replacing any of these could fake speed or hide blocking.
WATCHED = (
    "asyncio.sleep", "asyncio.gather", "asyncio.wait", "asyncio.wait_for", "asyncio.timeout", "asyncio.create_task",
    "asyncio.to_thread", "asyncio.get_running_loop", "asyncio.BaseEventLoop.time", "asyncio.BaseEventLoop.run_in_executor",
    "time.sleep", "time.time", "time.monotonic", "time.perf_counter", "threading.Thread.start",
)


# The classes that tell an event loop's time, with their own `time` as this process started: asyncio's, and
# looptime's, which makes it virtual. No other class a loop is made of has a `time` of its own.
CLOCKS = {klass: klass.__dict__["time"] for klass in (asyncio.AbstractEventLoop, asyncio.BaseEventLoop, LoopTimeEventLoop)}


def _clock_replaced(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether `loop.time` was replaced on the loop, or on any class it is made of (under looptime each loop is of
    a subclass of its own, which asyncio.BaseEventLoop.time in WATCHED does not cover)."""
    return "time" in vars(loop) or any(klass.__dict__.get("time", CLOCKS.get(klass)) is not CLOCKS.get(klass)
                                       for klass in type(loop).__mro__)


def _put_back_clock(loop: asyncio.AbstractEventLoop) -> None:
    vars(loop).pop("time", None)
    for klass in type(loop).__mro__:
        own = klass.__dict__.get("time", CLOCKS.get(klass))
        if own is not CLOCKS.get(klass):
            if klass in CLOCKS:
                setattr(klass, "time", CLOCKS[klass])
            else:
                delattr(klass, "time")


def _resolve(dotted: str) -> object:
    module, *attributes = dotted.split(".")
    value: object = sys.modules[module]
    for attribute in attributes:
        value = getattr(value, attribute, None)
    return value


ERROR_TEXT = 2000  # characters of an error's text shown: a 1 MB message must not reach every grade file


def _shown_error(text: str) -> str:
    """An error's text cut to ERROR_TEXT characters, without memory addresses (see without_run_details)."""
    if len(text) > ERROR_TEXT:
        text = text[:ERROR_TEXT] + f" … ({len(text) - ERROR_TEXT:,} more characters)"
    return without_run_details(text)


# Errors whose cause is plain from their type and words: (type, pattern in the text, what to try).
# Translated where they are used.
KNOWN_ERRORS: tuple[tuple[type[BaseException], str, str], ...] = (
    (RuntimeError, "cannot be called from a running event loop",
     "You are inside the event loop already: `await` the coroutine. `asyncio.run(...)` is for ordinary code, "
     "where no loop runs yet."),
    (RuntimeError, "This event loop is already running",
     "You are inside the event loop already: `await` the coroutine. `run_until_complete` is for code outside the loop."),
    (RuntimeError, "no current event loop|no running event loop",
     "Inside `async def`, `asyncio.get_running_loop()` gives the loop you run in; from ordinary code, start one with "
     "`asyncio.run(...)`."),
    # A generator handed to gather as one argument: 3.11 runs it as a task, later Pythons refuse it.
    (RuntimeError, "Task got bad yield",
     "asyncio.gather takes each awaitable as its own argument: `asyncio.gather(*(job() for job in jobs))`, with the "
     "`*`. Without it, the whole generator is handed over as one argument."),
    (TypeError, "An asyncio.Future, a coroutine or an awaitable is required",
     "asyncio.gather takes each awaitable as its own argument: `asyncio.gather(*(job() for job in jobs))`, with the "
     "`*`. Without it, the whole generator is handed over as one argument."),
    (TypeError, "unhashable type: 'list'",
     "asyncio.gather takes each awaitable as its own argument: `asyncio.gather(*coroutines)`, with the `*`, not the "
     "list itself."),
    # Two usual causes, which the error alone does not tell apart: both are named.
    (asyncio.CancelledError, "",
     "Awaiting a Task you cancelled raises CancelledError in the code that awaits it, and so does gathering it. "
     "After `task.cancel()`, wait for it without asking for its result: `await asyncio.wait(pending)`, or "
     "`await asyncio.gather(*pending, return_exceptions=True)`. A deadline made by hand that cancels the running "
     "Task (`loop.call_later(timeout, task.cancel)`) lets CancelledError out too: `async with "
     "asyncio.timeout(timeout):` turns its own cancellation into TimeoutError."),
    # A coroutine object awaited (or made a task) a second time: the usual cause is a list of coroutines made once
    # and run again on a retry.
    (RuntimeError, "cannot reuse already awaited coroutine",
     "A coroutine runs only once: awaiting it again, or making a second task of it, raises this. Make a new one each "
     "time it is to run: call the async function again (`job()`) where you start it, on a retry too, rather than "
     "keeping coroutines made earlier."),
    # contextlib.aclosing (or a bare aclose()) around something that is not an async generator: it closes with close().
    (AttributeError, "object has no attribute 'aclose'",
     "`contextlib.aclosing(...)` and `aclose()` are for async generators; this object has no aclose(). Close it the "
     "way it closes, in a `finally:` block: `await source.close()`, if that is what it offers."),
    (asyncio.InvalidStateError, "",
     "A task's (or future's) result exists only once it is done: await it, or wait for it with asyncio.wait or "
     "gather, before reading `.result()`."),
    # aiohttp raises this when a body is read after its response was released (after the
    # `async with session.get(...)` block ended): the connection went back to the pool.
    (Exception, r"^Connection closed$",
     "Read the body inside the `async with session.get(url) as response:` block: when the block ends the "
     "response is released and its connection goes back to the pool, so the body can no longer be read."),
    (RuntimeError, "Session is closed",
     "The requests ran after `async with aiohttp.ClientSession()` had closed the session: await them (the gather) "
     "inside the `async with` block."),
    (BaseExceptionGroup, "",
     "A TaskGroup hands its children's errors to the caller wrapped in an ExceptionGroup (what it holds is shown "
     "above). Where the caller should see a job's own exception, run the jobs with asyncio.gather instead; or "
     "unwrap the group with `except ExceptionGroup as group: raise group.exceptions[0]`. (An exception raised "
     "inside `except*` comes out on its own only where the group held nothing else; beside errors no `except*` "
     "handled, it travels with them in a new ExceptionGroup.)"),
)


def known_advice(error: BaseException) -> str | None:
    """What to try for an error whose cause its type and words make plain; None when they do not."""
    if isinstance(error, BaseExceptionGroup) and error.subgroup(asyncio.CancelledError) is not None:
        return tr(CANCELLED_IN_A_GROUP)
    for kind, pattern, advice in KNOWN_ERRORS:
        if isinstance(error, kind) and re.search(pattern, str(error)):
            return tr(advice)
    return None


# A CancelledError caught with `except*` and raised again comes out wrapped in a BaseExceptionGroup: asyncio.timeout and
# whoever cancelled the task no longer see a cancellation (a timeout then never becomes TimeoutError).
CANCELLED_IN_A_GROUP = (
    "A CancelledError travelled inside a BaseExceptionGroup: an `except* BaseException` (or `except* "
    "asyncio.CancelledError`) that raises again wraps the cancellation in a group, and then neither asyncio.timeout nor "
    "whoever cancelled the task recognises it (a deadline never turns into TimeoutError). Catch only your jobs' errors, "
    "`except* Exception:`, and let a cancellation go on untouched."
)


def describe_syntax_error(error: SyntaxError, shown: str) -> str:
    where = f"{shown}, line {error.lineno}"
    text = (error.text or "").rstrip("\n")
    lines = [f"{where}: {error.msg}"]
    if text:
        lines.append(f"    {text.strip()}")
        if error.offset:
            lines.append("    " + " " * max(error.offset - 1 - (len(text) - len(text.lstrip())), 0) + "^")
    return "\n".join(lines)


def blocking_summary(calls: list[BlockingCall]) -> str:
    first = calls[0]
    summary = tr("it called {call} while the event loop was running on the same thread.", call=first.describe())
    if len(calls) > 1:
        more = len(calls) - 1
        note = tr("(1 more blocking call after it.)") if more == 1 else tr("({count} more blocking calls after it.)", count=more)
        summary = sentences(summary, note)
    return summary


def blocking_advice(calls: list[BlockingCall]) -> str:
    functions = {c.function for c in calls}
    if functions == {"time.sleep"}:
        return tr("Inside `async def`, pause with `await asyncio.sleep(...)`; `time.sleep(...)` freezes the whole loop.")
    if any("join" in f or "acquire" in f for f in functions):
        return tr("Do not wait for threads on the loop: `await asyncio.to_thread(func)` runs func in a thread and lets the loop keep going.")
    if any(f.startswith(("socket.", "ssl.")) for f in functions):  # urllib, requests, a plain socket: all wait on one
        return tr("A blocking network call holds the loop until its answer comes. Use the loop's own: an aiohttp "
                  "session (`async with session.get(url) as response:`) for HTTP, `asyncio.open_connection(host, "
                  "port)` for a plain TCP connection.")
    return tr("Move blocking work off the loop with `await asyncio.to_thread(func, ...)`, or use an async library (aiohttp instead of requests).")


STRAGGLER_WAIT = 0.5  # seconds for leftover tasks to end once cancelled


def _keep_forever(task: asyncio.Task[Any]) -> None:
    """Keep a task nothing could end from ever being freed: freed, its coroutine would be closed again, off its loop
    (see _close), at the latest as the interpreter exits. A cycle only the collector could break, frozen out of its
    reach, outlives even the clearing of modules at exit."""
    keep: list[Any] = [task]
    keep.append(keep)
    gc.freeze()


async def _close(tasks: list[asyncio.Task[Any]]) -> None:
    """Close each task's coroutine (GeneratorExit at its `await`, so its `finally:` blocks run), then cancel it."""
    for task in tasks:
        try:
            task.get_coro().close()
        except RuntimeError:  # it ignored GeneratorExit too
            pass
        task.cancel()


def stop_stragglers(loop: asyncio.AbstractEventLoop) -> None:
    """End the tasks the learner's code left behind on the test's loop, before the loop is closed.

    Closing a loop cancels its tasks and waits for them to end, so a coroutine that swallows
    every CancelledError (`except asyncio.CancelledError: pass` in a `while True:`) would hang
    the run there, after the grader's time limit is gone. Tasks get one cancel and a short wait;
    a task still running then has its coroutine closed (GeneratorExit at its `await`, so its
    `finally:` blocks run), and one that ignores even that is dropped from the loop's books.
    """
    if loop.is_closed() or loop.is_running():
        return
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not pending:
        return
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.wait(pending, timeout=STRAGGLER_WAIT))
    stubborn = [task for task in pending if not task.done()]
    if stubborn:
        # Closed on the loop they ran in: code that catches everything, GeneratorExit included, then awaits again
        # (a Queue's get, say) would raise at once off its loop, catch that too, and never leave close().
        loop.run_until_complete(_close(stubborn))
        loop.run_until_complete(asyncio.wait(stubborn, timeout=STRAGGLER_WAIT))
    for task in stubborn:
        if not task.done():
            asyncio.tasks._unregister_task(task)  # nothing in Python can end it: let the loop close without it
            task._log_destroy_pending = False  # and it is the grader's to tell, not asyncio's to log
            _keep_forever(task)
    for task in pending:
        if task.done() and not task.cancelled():
            task.exception()  # read, so asyncio does not log it as never retrieved: it is the grader's to judge
