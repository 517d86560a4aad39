"""A hand-made total timeout: call_later(total_timeout, task.cancel), the CancelledError turned into TimeoutError without uncancel(): the Task stays marked as cancelled."""
import asyncio

async def run_job(job, connection):
    try:
        return await job()
    finally:
        await connection.close()

async def save(prepare, commit):
    value = await prepare()
    return await asyncio.shield(commit(value))

async def shut_down(tasks, stop, grace):
    stop.set()
    done, pending = await asyncio.wait(tasks, timeout=grace)
    for t in pending:
        t.cancel()
    if pending:
        await asyncio.wait(pending)
    finished = [i for i, t in enumerate(tasks) if t not in pending]
    cancelled = [i for i, t in enumerate(tasks) if t in pending]
    return finished, cancelled

async def run_steps(steps, step_timeout, total_timeout):
    results = []
    me = asyncio.current_task()
    handle = asyncio.get_running_loop().call_later(total_timeout, me.cancel)
    try:
        for step in steps:
            try:
                results.append(await asyncio.wait_for(step(), step_timeout))
            except asyncio.TimeoutError:
                results.append(None)
    except asyncio.CancelledError:
        raise TimeoutError
    finally:
        handle.cancel()
    return results
