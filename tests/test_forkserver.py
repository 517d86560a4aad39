"""The fork server's children: each gets its own request's world, confined as asked, and none can
reach the server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graders import forkserver

pytestmark = pytest.mark.early  # each waits on a child of the fork server

# Run by pytest in a child: writes what it sees to the file named in $SEEN.
OBSERVER = """
import json, os, random, resource, socket, sys

def test_observe():
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            pass
    seen = {
        "cwd": os.getcwd(), "path": sys.path, "env": dict(os.environ), "argv": sys.argv[1:],
        "pipes": sorted(target for target in fds.values() if target.startswith("pipe:")),
        "cpu": resource.getrlimit(resource.RLIMIT_CPU)[0], "files": resource.getrlimit(resource.RLIMIT_FSIZE)[0],
        "interfaces": sorted(name for _, name in socket.if_nameindex()), "random": random.random(),
        "hash": hash("aiolings"),
    }
    with open(os.environ["SEEN"], "w") as file:
        json.dump(seen, file)
"""


def observe(folder: Path, name: str, **kwargs: object) -> tuple[int, dict]:  # type: ignore[type-arg]
    (folder / "tests").mkdir(exist_ok=True)  # not `folder` itself, which pytest would put on the import path
    (folder / "tests" / "test_observer.py").write_text(OBSERVER)
    seen = folder / f"{name}.json"
    process = forkserver.start(["-q", "-p", "no:cacheprovider", "tests/test_observer.py"], cwd=folder,
                               env={"SEEN": str(seen), "ONLY": "this"}, output=folder / f"{name}.log", **kwargs)  # type: ignore[arg-type]
    code = process.wait(timeout=60)
    assert seen.exists(), (folder / f"{name}.log").read_text()
    return code, json.loads(seen.read_text())


def test_each_child_lives_in_its_own_request_confined_as_asked(early_folder: Path) -> None:
    code, plain = observe(early_folder, "plain")
    assert code == 0
    assert plain["cwd"] == str(early_folder) and str(early_folder) in plain["path"]  # as with `python -m pytest`
    assert plain["env"]["ONLY"] == "this" and "PATH" not in plain["env"]
    assert plain["argv"][-1] == "tests/test_observer.py"
    assert plain["pipes"] == []  # the server's stdin and stdout were closed before pytest began

    loopback = forkserver.can_confine(forkserver.Confinement(loopback_only=True))
    confinement = forkserver.Confinement(cpu=30, file_size=10**7, loopback_only=loopback)
    code, confined = observe(early_folder, "confined", confinement=confinement, isolated=True)
    assert code == 0
    assert str(early_folder) not in confined["path"]  # as with `python -I`
    assert (confined["cpu"], confined["files"]) == (30, 10**7)
    if loopback:
        assert confined["interfaces"] == ["lo"]
    assert confined["random"] != plain["random"]  # each child draws numbers of its own (random reseeds at fork)
    # but hashes strings alike, in this server and the next: a set is shown in the same order in every run
    assert confined["hash"] == plain["hash"] == int(subprocess.run(
        [sys.executable, "-c", "print(hash('aiolings'))"], env={"PYTHONHASHSEED": "0"}, capture_output=True, text=True).stdout)


def test_a_killed_child_takes_its_process_group_with_it(early_folder: Path) -> None:
    (early_folder / "test_forever.py").write_text(
        "import os, subprocess, time\n\ndef test_forever():\n"
        "    helper = subprocess.Popen(['sleep', '60'])\n"
        "    open('helper.pid', 'w').write(str(helper.pid))\n    time.sleep(60)\n"
    )
    process = forkserver.start(["-q", "-p", "no:cacheprovider", "test_forever.py"], cwd=early_folder,
                               env={"PATH": "/usr/bin:/bin"}, output=None)
    helper = early_folder / "helper.pid"
    deadline = time.monotonic() + 30
    while not helper.exists() or not helper.read_text():
        assert time.monotonic() < deadline and process.poll() is None, "the child never started its helper"
        time.sleep(0.02)
    process.kill()
    assert process.wait(timeout=10) == -9
    status = Path(f"/proc/{helper.read_text()}/status")
    while status.exists() and "zombie" not in status.read_text():  # the helper was killed, whoever reaps it
        assert time.monotonic() < deadline, "the child's helper outlived it"
        time.sleep(0.02)


@pytest.mark.early
def test_a_stopped_server_is_abandoned_not_waited_for(early_folder: Path) -> None:
    server = forkserver._Server()  # a server of this test's own: stopping the session's would stop every test
    os.kill(server.process.pid, signal.SIGSTOP)  # as code that reached it could
    process = server.start({"args": [], "cwd": str(early_folder), "env": {}, "output": None, "isolated": True,
                            "confinement": {}})
    started = time.monotonic()
    process.kill()  # the server never says the child exists: it is killed, and nothing waits forever
    assert time.monotonic() - started < forkserver.STARTED_WITHIN + 5
    server.process.wait(timeout=10)
    assert not server.alive()
    with pytest.raises(RuntimeError, match="fork server stopped"):
        process.wait(timeout=10)
