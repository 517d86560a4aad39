"""Fills the folder it runs in, a megabyte a file, as if the machine's disk were its own."""

import os

for number in range(100):  # 100 MB, more than it may hold: no one file is over the limit on a file's size
    with open(os.path.join(os.getcwd(), f"ballast-{number}"), "wb") as ballast:
        ballast.write(bytes(1 << 20))
raise RuntimeError("it wrote 100 MB into its folder")
