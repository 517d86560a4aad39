"""Starts a few child processes at import (a bounded fork bomb)."""

import os
import time

for _ in range(5):
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
