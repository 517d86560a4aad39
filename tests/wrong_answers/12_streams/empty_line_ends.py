"""Takes an empty line for the end of the conversation: `line.strip()` is empty for b"\n" as well
as for b"" (the end of the stream)."""
import asyncio


async def handle(reader, writer):
    try:
        while True:
            line = await reader.readline()
            text = line.decode().strip()
            if not text:
                break
            if line.endswith(b"\n"):
                writer.write(text[::-1].encode() + b"\n")
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
            answers.append(answer.decode().removesuffix("\n"))
        return answers
    finally:
        writer.close()
        await writer.wait_closed()
