# Correct: handle reads in its own loop and leaves the writing to a task of its own through a bounded
# asyncio.Queue (put() waits when it is full, so a client that does not read stops the reading too),
# and ends that task in its finally; serve runs the server with `async with server:` and a plain
# callback that starts each handler as a task; request gives each answer a deadline on the loop's
# clock (asyncio.timeout_at).
"""Topic 12: a TCP server and client with asyncio streams."""

import asyncio


async def handle(reader, writer):
    answers = asyncio.Queue(maxsize=4)

    async def send():
        while True:
            answer = await answers.get()
            writer.write(answer)
            await writer.drain()
            answers.task_done()

    sender = asyncio.create_task(send())
    try:
        while True:
            line = await reader.readline()
            if line[-1:] != b"\n":
                break
            await answers.put(line[:-1][::-1] + b"\n")
        await answers.join()
    except ConnectionError:
        pass
    finally:
        sender.cancel()
        await asyncio.gather(sender, return_exceptions=True)
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


async def serve(host, port, ready):
    handlers = set()

    def connected(reader, writer):
        task = asyncio.create_task(handle(reader, writer))
        handlers.add(task)
        task.add_done_callback(handlers.discard)

    server = await asyncio.start_server(connected, host, port)
    async with server:
        ready(server.sockets[0].getsockname()[1])
        try:
            await asyncio.sleep(float("inf"))
        finally:
            server.close()
            for task in handlers:
                task.cancel()
            if handlers:
                await asyncio.wait(handlers)
    # leaving `async with server` closed it and waited for it


async def request(host, port, lines, timeout):
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        answers = []
        for line in lines:
            writer.write(line.encode("utf-8") + b"\n")
            await writer.drain()
            async with asyncio.timeout_at(loop.time() + timeout):
                raw = await reader.readline()
            answers.append(raw.decode("utf-8").removesuffix("\n"))
        return answers
    finally:
        writer.close()
        await writer.wait_closed()
