"""Awaits each job inside a for loop: right results, but no overlap."""


async def gather_all(jobs):
    results = []
    for job in jobs:
        results.append(await job())
    return results


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
