"""Numbers the learner's code draws from the `random` module's shared generator.

A topic that hands the learner a `random.Random` (14's `rng`) asks for every random number to come
from it, so that a run can be repeated. The module's functions (`random.uniform`, `random.random`,
`from random import randint`, ...) all draw from one hidden instance, `random._inst`: its two
primitives, `random()` and `getrandbits()`, are watched on the class while a grader runs the
learner's code, and a draw is the learner's when the first frame outside random.py is in the
learner's file. Libraries that use the shared generator themselves (aiohttp shuffles its waiters
with it) are not the learner's doing, and are not counted.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

RANDOM_FILE = random.__file__


@dataclass
class SharedDraws:
    """Where the learner's file drew from the shared generator: (the function it called, its line)."""

    file: str
    seen: list[tuple[str, int]] = field(default_factory=list)

    def note(self, frame: FrameType | None, primitive: str) -> None:
        called = primitive
        while frame is not None and frame.f_code.co_filename == RANDOM_FILE:
            called = frame.f_code.co_name  # the module function the learner called, e.g. uniform
            frame = frame.f_back
        if frame is not None and frame.f_code.co_filename == self.file:
            self.seen.append((called, frame.f_lineno))


@contextmanager
def shared_draws(learner_file: Path) -> Iterator[SharedDraws]:
    """Watch the shared generator while the block runs. `random.random` itself is the C method bound
    to the instance when random.py was imported, so the module's attribute is watched as well."""
    draws = SharedDraws(str(learner_file))
    shared = random._inst  # type: ignore[attr-defined]
    base = random.Random.__mro__[1]  # _random.Random: the C primitives
    bound_random = random.random

    def watched_random(self: random.Random) -> float:
        if self is shared:
            draws.note(sys._getframe(1), "random")
        return base.random(self)  # type: ignore[no-any-return]

    def watched_getrandbits(self: random.Random, k: int) -> int:
        if self is shared:
            draws.note(sys._getframe(1), "getrandbits")
        return base.getrandbits(self, k)  # type: ignore[no-any-return]

    def module_random() -> float:
        draws.note(sys._getframe(1), "random")
        return bound_random()

    watched: dict[str, Any] = {"random": watched_random, "getrandbits": watched_getrandbits}
    own = {name: vars(random.Random)[name] for name in watched if name in vars(random.Random)}  # none in 3.11-3.14
    for name, function in watched.items():
        setattr(random.Random, name, function)
    random.random = module_random
    try:
        yield draws
    finally:
        for name in watched:
            if name in own:
                setattr(random.Random, name, own[name])
            else:
                delattr(random.Random, name)
        random.random = bound_random
