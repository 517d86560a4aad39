"""Runs `handle` for each client through a wrapper that holds one Lock for the whole conversation:
`handle` is passed to start_server, but the clients take turns, and a client in the middle of a
line holds up everyone after it."""

import asyncio


async def handle(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line.endswith(b"\n"):  # b"" at the end of the stream, or a line cut off by it
                break
            writer.write(line[:-1][::-1] + b"\n")
            await writer.drain()  # waits while the client is not reading its answers
    except ConnectionError:
        pass  # the client went away: nothing left to answer
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass  # wait_closed() raises the error that ended the connection, if one did


async def serve(host, port, ready):
    lock = asyncio.Lock()

    async def one_at_a_time(reader, writer):
        # Held for the whole conversation: the other clients' calls of handle wait here.
        async with lock:
            await handle(reader, writer)

    async with asyncio.TaskGroup() as handlers:
        server = await asyncio.start_server(lambda reader, writer: handlers.create_task(one_at_a_time(reader, writer)),
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
