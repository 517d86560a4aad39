"""Raises an error whose text is 2 MB, to swell every grade file."""

HUGE = "B" * 2_000_000


async def gather_all(jobs):
    raise ValueError(HUGE)


async def gather_settled(jobs):
    raise ValueError(HUGE)


async def gather_limited(jobs, limit):
    raise ValueError(HUGE)
