import os
import signal


async def gather_all(jobs):
    os.kill(os.getpid(), signal.SIGKILL)
