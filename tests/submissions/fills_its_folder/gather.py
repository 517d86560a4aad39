"""Fills the folder it runs in, a megabyte a file, as if the machine's disk were its own."""

import os

for number in range(100):  # 100 MB, more than it may hold: no one file is over the limit on a file's size
    with open(os.path.join(os.getcwd(), f"ballast-{number}"), "wb") as ballast:
        # Space taken without writing it, as fast as the folder can give it: writing 64 MB byte by byte could
        # outlast the class's 0.5 s limit on a crowded machine, and be told as a slow import instead.
        os.posix_fallocate(ballast.fileno(), 0, 1 << 20)
raise RuntimeError("it wrote 100 MB into its folder")
