# Correct: `async for line in reader` with a check for the newline; serve keeps each handler's task in
# a set (added by a wrapper coroutine), and on the cancel closes the server, cancels the tasks, gathers
# them and awaits wait_closed(); request sends every line at once (writelines) and reads each answer
# under its own `asyncio.timeout`.
"""Topic 12: a TCP server and client with asyncio streams."""

import asyncio
import contextlib


async def handle(reader, writer):
    try:
        async for line in reader:
            if not line.endswith(b"\n"):
                break  # cut off by the end of the stream: not a request
            writer.write(line.rstrip(b"\n")[::-1] + b"\n")
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def serve(host, port, ready):
    tasks = set()

    async def client(reader, writer):
        task = asyncio.current_task()
        tasks.add(task)
        try:
            await handle(reader, writer)
        finally:
            tasks.discard(task)

    server = await asyncio.start_server(client, host, port)
    try:
        ready(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


async def request(host, port, lines, timeout):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.writelines(line.encode() + b"\n" for line in lines)
        await writer.drain()
        answers = []
        for _ in lines:
            async with asyncio.timeout(timeout):
                answers.append((await reader.readline()).decode().rstrip("\n"))
        return answers
    finally:
        writer.close()
        await writer.wait_closed()
