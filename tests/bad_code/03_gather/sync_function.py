import asyncio


def gather_all(jobs):
    return asyncio.gather(*(job() for job in jobs))
