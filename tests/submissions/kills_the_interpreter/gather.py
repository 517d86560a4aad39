"""Ends the whole process from inside, without any cleanup."""

import os

os._exit(0)
