"""Topic 02, wrong: run_all sorts the done set by task name, which compares text: "Task-100" comes before "Task-99"."""

import asyncio


async def start_in_background(job):
    return asyncio.create_task(job())


async def run_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, _ = await asyncio.wait(tasks)
    return [task.result() for task in sorted(done, key=lambda task: task.get_name())]


async def first_finished(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()
