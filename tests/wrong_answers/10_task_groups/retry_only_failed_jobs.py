"""run_retrying keeps the results of the jobs that finished and runs only the failed or cancelled ones again."""
import asyncio


async def run_all(jobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]


async def run_partial(jobs):
    tasks = []
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(job()) for job in jobs]
    except* Exception:
        pass
    return [None if task.cancelled() else task.exception() or task.result() for task in tasks]


async def run_retrying(jobs, attempts):
    results = [None] * len(jobs)
    todo = list(range(len(jobs)))
    for attempt in range(1, attempts + 1):
        tasks = {}
        try:
            async with asyncio.TaskGroup() as tg:
                for i in todo:
                    tasks[i] = tg.create_task(jobs[i]())
        except* ValueError:
            if attempt == attempts:
                raise
        for i, task in tasks.items():
            if not task.cancelled() and task.exception() is None:
                results[i] = task.result()
        todo = [i for i in todo if tasks[i].cancelled() or tasks[i].exception() is not None]
        if not todo:
            return results


async def run_group(jobs):
    try:
        return await run_all(jobs)
    except* Exception:
        pass
    return None


async def run_groups(groups, timeout):
    async with asyncio.timeout(timeout):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(run_group(group)) for group in groups]
    return [task.result() for task in tasks]
