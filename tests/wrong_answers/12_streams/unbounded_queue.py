"""Reads lines in handle and leaves the writing to a task of its own, through an `asyncio.Queue()`
with no maxsize: the writer task drains, but reading never waits for it, and the queue grows.
The writer task is never ended either: it waits in `get()` after handle has returned."""
import asyncio


async def handle(reader, writer):
    answers = asyncio.Queue()

    async def send():
        while True:
            answer = await answers.get()
            writer.write(answer)
            await writer.drain()
            answers.task_done()

    asyncio.create_task(send())
    try:
        async for line in reader:
            if line.endswith(b"\n"):
                await answers.put(line[:-1][::-1] + b"\n")
        await answers.join()  # every answer sent before closing
    finally:
        writer.close()
        await writer.wait_closed()


async def serve(host, port, ready):
    async with asyncio.TaskGroup() as handlers:
        server = await asyncio.start_server(lambda reader, writer: handlers.create_task(handle(reader, writer)),
                                            host, port)
        try:
            ready(server.sockets[0].getsockname()[1])
            await asyncio.Future()
        finally:
            server.close()


async def request(host, port, lines, timeout):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        answers = []
        for line in lines:
            writer.write(line.encode() + b"\n")
            await writer.drain()
            answer = await asyncio.wait_for(reader.readline(), timeout)
            answers.append(answer.decode().removesuffix("\n"))
        return answers
    finally:
        writer.close()
        await writer.wait_closed()
