"""Returns at the end of the stream without closing the connection: the socket stays open, and the
client never sees the end of the conversation."""
import asyncio


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line.endswith(b"\n"):
            return
        writer.write(line[:-1][::-1] + b"\n")
        await writer.drain()


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
