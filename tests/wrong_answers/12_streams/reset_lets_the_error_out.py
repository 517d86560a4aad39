"""Topic 12, wrong: handle closes its connection on every way out, but catches nothing, so a client
that vanishes (a reset connection) crashes it with ConnectionResetError."""

import asyncio


async def handle(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line.endswith(b"\n"):
                break
            writer.write(line[:-1][::-1] + b"\n")
            await writer.drain()
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
            if not answer.endswith(b"\n"):
                raise ConnectionError("the server closed the connection")
            answers.append(answer[:-1].decode())
        return answers
    finally:
        writer.close()
        await writer.wait_closed()
