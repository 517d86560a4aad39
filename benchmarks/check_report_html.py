"""Open an `aiolings grade` report.html in real headless Chromium: no console errors, every student shown.

    python benchmarks/check_report_html.py GRADES_FOLDER

Needs Debian's chromium (apt-get install chromium); kept out of the test suite for that reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    folder = Path(sys.argv[1])
    students = [s["student"] for s in json.loads((folder / "grades.json").read_text(encoding="utf-8"))["students"]]
    with tempfile.TemporaryDirectory() as profile:
        shown = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom",
             (folder / "report.html").resolve().as_uri()],
            capture_output=True, text=True, timeout=120,
        )
    console = [line for line in shown.stderr.splitlines() if "CONSOLE" in line]
    missing = [name for name in students if f'id="{name}"' not in shown.stdout]
    print(f"chromium exit {shown.returncode}; {len(students)} students; DOM {len(shown.stdout)} characters")
    print(f"console messages: {len(console)}", *console, sep="\n  ")
    print(f"students missing from the page: {missing or 'none'}")
    return 0 if shown.returncode == 0 and not console and not missing and shown.stdout else 1


if __name__ == "__main__":
    raise SystemExit(main())
