"""Looks for other processes, classmates' hand-ins and the reference solution, and says what it saw."""

import glob
import os

import graders

processes = [name for name in os.listdir("/proc") if name.isdigit()]
CLASS = "/tmp/aiolings-tests-*/class"  # where the class is: tests/conftest.py writes in the real folder
classmates = glob.glob(f"{CLASS}/*")
solution = os.path.join(os.path.dirname(os.path.dirname(graders.__file__)), "solutions", "03_gather", "gather.py")
raise RuntimeError(
    f"it saw {len(processes)} process{'' if len(processes) == 1 else 'es'}, "
    f"{'an empty' if not classmates else 'a full'} class folder and {'the' if os.path.exists(solution) else 'no'} reference solution"
)
