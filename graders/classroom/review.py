"""What a person should look at in a class's submissions, found without running them.

The graders score what they observe; some code deserves a person's eyes whatever its score.
`scan` reads one submitted topic file with `ast`, in the instructor's process (the file is
parsed, never imported or run), and flags, with line numbers:

- code that reaches into the interpreter or the grading: gc, sys.modules, frames
  (sys._getframe, inspect.currentframe or inspect.stack, f_back, f_locals, ...), ctypes,
  _posixsubprocess, signal, os.kill, threads, processes, the `graders` package or its instruments (probes, plugin, learner), pytest,
  code the scan cannot read (exec, eval, __import__, importlib), the grading's own names
  (--aiolings-report, AIOLINGS_*, /proc/), and the machine around the run (os.listdir, os.walk,
  os.environ, os.uname, glob, Path.iterdir);
- monkeypatching: assigning to (or deleting, or setattr on) an attribute of an imported module
  (asyncio.sleep, json.dumps, os._exit, ...) or of the event loop, as tests/submissions/fakes_speed
  does to pass; and attributes looked up by a name built at run time (`getattr(sys, "_get" + "frame")`),
  the way past a scan that reads names.

What the topic's own stub or reference solution does is not flagged (topic 05's stub starts a
thread in its demo). `alike` compares each topic's files across the class and with the
reference solution, once docstrings, imports, annotations, names and formatting are set aside,
and names the pairs that are (nearly) the same code. A flag is not a verdict: it scores nothing.
"""

from __future__ import annotations

import ast
import builtins
import functools
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import course, syntax

REFERENCE = "the reference solution"
IMPORTS = ("gc", "ctypes", "_ctypes", "_posixsubprocess", "signal", "_signal", "threading", "_thread",
           "subprocess", "multiprocessing", "graders", "pytest", "_pytest", "importlib", "builtins", "runpy", "marshal",
           "posix", "nt")  # os's own C halves
USES = ("sys.modules", "sys._getframe", "sys._current_frames", "sys.settrace", "sys.setprofile", "sys.addaudithook",
        "os.kill", "os.killpg", "os.fork", "os.forkpty", "os._exit", "os.system", "os.popen", "os.exec", "os.spawn",
        "os.posix_spawn", "os.register_at_fork",
        # inspect's ways to the frames and source around the call; not the module itself: honest code asks it
        # whether a job is an async function (inspect.iscoroutinefunction) or what it takes (inspect.signature).
        "inspect.currentframe", "inspect.stack", "inspect.trace", "inspect.getouterframes", "inspect.getinnerframes",
        "inspect.getframeinfo", "inspect.getmembers", "inspect.getmembers_static", "inspect.getclosurevars",
        "inspect.getattr_static", "inspect.getsource", "inspect.getsourcelines", "inspect.getsourcefile",
        "inspect.getfile", "inspect.getmodule", "inspect.findsource",
        # The machine around the run: its folders, names and environment, which no topic needs (infoleak's way in).
        "os.listdir", "os.scandir", "os.walk", "os.uname", "os.environ", "os.environb", "os.getenv", "os.getenvb", "glob",
        "socket.gethostname", "platform")
# Modules whose `import *` would hide a use of the above behind a bare name (`listdir(...)`).
STARRED = ("os", "glob", "platform", "socket", "sys", "inspect")
FRAMES = ("f_back", "f_locals", "f_globals", "f_builtins", "tb_frame", "gi_frame", "cr_frame", "ag_frame",
          "__globals__", "__subclasses__", "__builtins__", "__code__", "co_filename", "co_code", "pluginmanager")
HIDDEN_CODE = ("exec", "eval", "compile", "__import__")
LOOKUPS = ("getattr", "setattr", "delattr", "hasattr")
# Reaching a namespace or an attribute without naming it where the scan looks: vars(sys)["modules"],
# attrgetter("f_back"), len.__self__ (builtins), fn.__closure__, obj.__getattribute__(name).
INDIRECT_CALLS = ("vars", "attrgetter", "methodcaller")
INDIRECT_ATTRIBUTES = ("__self__", "__closure__", "__getattribute__", "__dict__", "__wrapped__", "__func__",
                       "cell_contents", "f_code", "gi_code", "cr_code")
PROBES = ("recorder", "max_in_flight", "nominal")
# Path("/work").iterdir(): no module name to follow. Not `glob` or `walk`: honest code has methods of its own so named
# (a crawler's walk), and topic 13's tests may glob their own tmp_path.
LISTINGS = ("iterdir", "rglob", "scandir", "listdir")
JOB_PARTS = ("seconds", "fails", "result", "label")  # a probe job's own parts (probes.py), which an answer only reads
NAMED_INTERNALS = {*FRAMES, "modules", "_getframe", "meta_path", "path_hooks", "_posixsubprocess", "fork_exec",
                   "posix_spawn", *PROBES}
LOOPS = ("get_running_loop", "get_event_loop", "new_event_loop")
INTERNALS = ("--aiolings", "AIOLINGS_", "/proc/")
SHINGLE = 8  # tokens per shingle, for likeness
OWN_AT_LEAST = 25  # shingles of its own (not the stub's) before a file is compared at all: short answers all look alike
NEARLY = 0.85  # share of shingles in common, above which two files are called nearly the same
SHOWN = 5  # classmates named in one flag


@dataclass(frozen=True)
class Flag:
    topic: str
    what: str
    lines: tuple[int, ...] = ()
    students: tuple[str, ...] = ()  # likeness: the classmates (and REFERENCE) the file is like
    shares: tuple[int, ...] = ()  # and how alike, in percent, when not the same

    def __str__(self) -> str:
        where = f" (line{'s' if len(self.lines) > 1 else ''} {', '.join(map(str, self.lines))})" if self.lines else ""
        named = [f"{n} ({s}%)" for n, s in zip(self.students, self.shares)] if self.shares else list(self.students)
        names = named[:SHOWN] + ([f"{len(named) - SHOWN} more"] if len(named) > SHOWN else [])
        who = f" {', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else f" {names[0]}" if names else ""
        return f"{self.topic}: {self.what}{who}{where}"

    def as_json(self) -> dict[str, object]:
        return {"topic": self.topic, "what": self.what, "lines": list(self.lines), "students": list(self.students),
                "shares": list(self.shares), "text": str(self)}


def review(files: Mapping[str, Mapping[str, bytes]], topics: list[course.Topic],
           reference: Path | None = None) -> dict[str, list[Flag]]:
    """Each student's flags (by student; every student has an entry), from their topic files (by topic dir)."""
    flags: dict[str, list[Flag]] = {student: [] for student in files}
    for topic in topics:
        for student, theirs in files.items():
            if topic.dir in theirs:
                try:
                    flags[student] += scan(theirs[topic.dir], topic)
                except Exception as error:  # noqa: BLE001 - a review that fails must not cost the class its grades
                    flags[student].append(Flag(topic.dir, f"could not be scanned ({type(error).__name__}): read it by hand"))
        solution = (reference or _course_root()) / course.SOLUTIONS / topic.dir / topic.module
        try:
            references = {REFERENCE: solution.read_bytes()}
        except OSError:  # an installed course has no solutions/ beside it
            references = {}
        try:
            for student, flag in alike(topic, {s: f[topic.dir] for s, f in files.items() if topic.dir in f}, references):
                flags[student].append(flag)
        except Exception:  # noqa: BLE001, S112 - as above: likeness is a help, the grades are the point
            continue
    return flags


# What a file does.


def scan(source: bytes, topic: course.Topic) -> list[Flag]:
    """Flags for one topic file, minus what the topic's stub and solution do themselves."""
    expected = _expected(topic)
    return [Flag(topic.dir, what, tuple(n for n in lines if n)) for what, lines in _findings(source).items()
            if what not in expected]


@functools.cache
def _expected(topic: course.Topic) -> frozenset[str]:
    found: set[str] = set()
    for path in (topic.stub(), topic.solution(_course_root())):
        try:
            found |= set(_findings(path.read_bytes()))
        except OSError:
            pass
    return frozenset(found)


def _course_root() -> Path:
    return Path(course.__file__).resolve().parent.parent


def _findings(source: bytes) -> dict[str, list[int]]:
    """What the file does that is worth a look, each with the lines where it does it."""
    found: dict[str, list[int]] = {}

    def note(what: str, node: ast.AST) -> None:
        lines = found.setdefault(what, [])
        line = getattr(node, "lineno", 0)
        if line not in lines:
            lines.append(line)

    try:
        tree = syntax.parse(source)
        nodes = list(_preorder(tree))
    except SyntaxError:
        return {}  # the graders say it does not load; nothing ran
    except (ValueError, RecursionError, MemoryError):
        return {"could not be scanned (null bytes, or nested too deeply): read it by hand": [0]}
    aliases = _aliases(nodes)
    loops = _loop_names(nodes, aliases)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in IMPORTS:
                    note(f"imports {alias.name}", node)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] in IMPORTS:
                note(f"imports {node.module}", node)
            for alias in node.names:
                if _watched(f"{node.module}.{alias.name}"):
                    note(f"uses {node.module}.{alias.name}", node)
                elif alias.name == "*" and node.module in STARRED:
                    note(f"imports everything from {node.module}", node)
        elif isinstance(node, ast.Attribute):
            name = _dotted(node, aliases)
            if name and _watched(name):
                note(f"uses {name}", node)
            if node.attr in FRAMES or node.attr in INDIRECT_ATTRIBUTES:
                note(f"reads interpreter internals ({node.attr})", node)
            if node.attr in PROBES:
                note(f"reads the graders' probes ({node.attr})", node)
            if node.attr in LISTINGS and not (name and _watched(name)):  # os.listdir is a use, told above
                note(f"lists folders ({node.attr})", node)
        elif isinstance(node, ast.Name):
            if node.id in HIDDEN_CODE and node.id not in aliases:
                note(f"runs code this scan cannot read ({node.id})", node)
            elif node.id == "__builtins__":
                note("reads interpreter internals (__builtins__)", node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in NAMED_INTERNALS or node.value.startswith("graders."):
                note(f"names interpreter or grading internals in a string ({node.value[:40]})", node)
            for word in INTERNALS:
                if word in node.value or node.value == word.rstrip("/"):
                    note(f"mentions the grading's internals ({word.rstrip('/')})", node)
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = [t for target in node.targets for t in _unpacked(target)]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        if isinstance(node, ast.Call) and (_dotted(node.func, aliases) or getattr(node.func, "id", "")).rsplit(".", 1)[-1] \
                in INDIRECT_CALLS and node.args:
            note("reaches a namespace or attribute indirectly (vars, attrgetter)", node)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LOOKUPS
                and len(node.args) > 1 and not isinstance(node.args[1], ast.Constant)):
            note(f"looks up an attribute by a name built at run time ({node.func.id})", node)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LOOKUPS
                and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
            owner = _dotted(node.args[0], aliases)  # getattr(os, "listdir") is os.listdir
            if owner and _watched(f"{owner}.{node.args[1].value}"):
                note(f"uses {owner}.{node.args[1].value}", node)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr")
                and node.args):
            attribute = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else "..."
            targets = [ast.Attribute(value=node.args[0], attr=str(attribute), ctx=ast.Store(), lineno=node.lineno)]
        for target in targets:
            if (isinstance(target, ast.Attribute) and target.attr in JOB_PARTS
                    and not (isinstance(target.value, ast.Name) and target.value.id == "self")):
                note(f"changes what a job handed over is made of ({target.attr})", node)
            patched = _patched(target, aliases, loops)
            if patched:
                note(f"replaces {patched}", node)
    return found


def _preorder(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, parents before children, in source order; without recursion (a file may nest deeply)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _aliases(nodes: list[ast.AST]) -> dict[str, str]:
    """What each imported name stands for: `import asyncio as aio` makes aio asyncio."""
    aliases: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _loop_names(nodes: list[ast.AST], aliases: dict[str, str]) -> set[str]:
    """Names given an event loop or its class: `loop = asyncio.get_running_loop()`, `cls = type(loop)`; and `loop`."""
    names = {"loop"}
    for node in nodes:  # in source order: `cls = type(loop)` comes after `loop = ...`
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _is_loop(node.value, aliases, names):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _is_loop(node: ast.expr, aliases: dict[str, str], loops: set[str]) -> bool:
    """Whether `node` is an event loop or its class: a name given one, `asyncio.get_running_loop()`,
    `type(...)` or `....__class__` of one (patching the class patches every loop of it, looptime's too)."""
    if isinstance(node, ast.Name):
        return node.id in loops
    if isinstance(node, ast.Attribute) and node.attr == "__class__":
        return _is_loop(node.value, aliases, loops)
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "type" and len(node.args) == 1:
            return _is_loop(node.args[0], aliases, loops)
        return (_dotted(node.func, aliases) or "").rsplit(".", 1)[-1] in LOOPS
    return False


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in aliases:
        return ".".join([aliases[node.id], *reversed(parts)])
    return None


def _watched(name: str) -> bool:
    return any(name == use or name.startswith((f"{use}.", f"{use}[")) or (use in ("os.exec", "os.spawn", "os.posix_spawn")
               and name.startswith(use)) for use in USES)


def _unpacked(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, (ast.Tuple, ast.List)):
        return [t for element in target.elts for t in _unpacked(element)]
    if isinstance(target, ast.Starred):
        return _unpacked(target.value)
    return [target]


def _patched(target: ast.expr, aliases: dict[str, str], loops: set[str]) -> str | None:
    """What an assignment to `target` replaces, if it is part of an imported module or the event loop."""
    if not isinstance(target, (ast.Attribute, ast.Subscript)):
        return None  # rebinding a name of one's own replaces nothing
    shown = ""
    node: ast.expr = target
    while isinstance(node, ast.Subscript):
        node, shown = node.value, "[...]" + shown
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.reverse()
    if isinstance(node, ast.Name) and node.id in aliases:
        return ".".join([aliases[node.id], *parts]) + shown
    if parts and parts[0] == "__class__":  # loop.__class__.time = ...
        node, parts = ast.Attribute(value=node, attr="__class__"), parts[1:]
    if parts and _is_loop(node, aliases, loops):
        return f"the event loop's {'.'.join(parts)}{shown}"
    return None


# Likeness.


def alike(topic: course.Topic, files: Mapping[str, bytes], references: Mapping[str, bytes]) -> Iterator[tuple[str, Flag]]:
    """(student, flag) for each student whose file for `topic` is the same, or nearly the same,
    code as a classmate's or a reference's: compared as `_tokens` (names and formatting aside),
    by the share of shingles they have in common beyond the stub's."""
    stub = _shingles(_tokens(topic.stub().read_bytes()) or [])
    prints = {}
    for name, source in [*files.items(), *references.items()]:
        tokens = _tokens(source)
        if tokens is not None:
            own = _shingles(tokens) - stub
            if len(own) >= OWN_AT_LEAST:
                prints[name] = (tuple(tokens), own)
    names = list(prints)
    same: dict[str, list[str]] = {}
    nearly: dict[str, list[tuple[str, float]]] = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            (tokens_a, own_a), (tokens_b, own_b) = prints[a], prints[b]
            if tokens_a == tokens_b:
                same.setdefault(a, []).append(b)
                same.setdefault(b, []).append(a)
                continue
            share = len(own_a & own_b) / len(own_a | own_b)
            if share >= NEARLY:
                nearly.setdefault(a, []).append((b, share))
                nearly.setdefault(b, []).append((a, share))
    for student in files:
        if student in same:
            yield student, Flag(topic.dir, "the same code (names and formatting aside) as", students=_ordered(same[student]))
        if student in nearly:
            closest = sorted(nearly[student], key=lambda p: (-p[1], p[0] != REFERENCE, p[0]))
            yield student, Flag(topic.dir, "nearly the same code (names and formatting aside) as",
                                students=tuple(n for n, _ in closest), shares=tuple(int(100 * s) for _, s in closest))


def _ordered(names: list[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=lambda n: (n != REFERENCE, n)))


def _tokens(source: bytes) -> list[str] | None:
    """The file as a sequence of words that formatting, comments, docstrings, imports, annotations
    and the names chosen for its own variables and functions do not change."""
    try:
        tree = syntax.parse(source)
        nodes = list(_preorder(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    skipped: set[int] = set()
    for node in nodes:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skipped.add(id(node))  # docstrings, and any other string (or constant) standing alone: it does nothing
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            skipped.add(id(node))
        for annotation in (getattr(node, "annotation", None), getattr(node, "returns", None)):
            if annotation is not None:
                skipped.add(id(annotation))
    kept = set(dir(builtins)) | {a for node in nodes if isinstance(node, (ast.Import, ast.ImportFrom))
                                 for a in _aliases([node])}
    renamed: dict[str, str] = {}

    def name(given: str) -> str:
        return given if given in kept else renamed.setdefault(given, f"v{len(renamed)}")

    tokens: list[str] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if id(node) in skipped:
            continue
        tokens.append(type(node).__name__)
        if isinstance(node, ast.Name):
            tokens.append(name(node.id))
        elif isinstance(node, ast.arg):
            tokens.append(name(node.arg))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            tokens.append(name(node.name))
        elif isinstance(node, ast.Attribute):
            tokens.append(node.attr)
        elif isinstance(node, ast.keyword):
            tokens.append(str(node.arg))
        elif isinstance(node, ast.Constant):
            tokens.append(repr(node.value)[:40])
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return tokens


def _shingles(tokens: list[str]) -> set[int]:
    return {zlib.crc32("\0".join(tokens[i:i + SHINGLE]).encode()) for i in range(max(1, len(tokens) - SHINGLE + 1))}


