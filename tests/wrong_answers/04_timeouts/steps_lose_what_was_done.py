"""steps_within returns [] at the deadline, losing the steps done before it."""
import asyncio

async def with_deadline(job, timeout, fallback):
    try:
        return await asyncio.wait_for(job(), timeout)
    except TimeoutError:
        return fallback

async def each_within(jobs, timeout):
    async def one(job):
        try:
            return await asyncio.wait_for(job(), timeout)
        except TimeoutError:
            return None
    return await asyncio.gather(*(one(j) for j in jobs))

async def steps_within(steps, timeout):
    async def all_steps():
        return [await step() for step in steps]
    try:
        return await asyncio.wait_for(all_steps(), timeout)
    except TimeoutError:
        return []

async def run_and_clean_up(job, clean_up):
    try:
        return await job()
    finally:
        clean_up()
