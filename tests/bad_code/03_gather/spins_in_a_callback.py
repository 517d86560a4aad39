import asyncio


def spin():
    while True:
        pass


async def gather_all(jobs):
    asyncio.get_running_loop().call_soon(spin)
    while True:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            pass
