"""Passes bare coroutines to asyncio.wait, as older tutorials do (TypeError on Python 3.11+)."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    done, _ = await asyncio.wait([job() for job in jobs])
    return [task.result() for task in done]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    return done.pop().result()
