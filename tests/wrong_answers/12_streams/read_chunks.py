"""Reads each answer with `reader.read(1024)`, which returns whatever has arrived: half an answer,
when the server sends it in two pieces."""
import asyncio


async def handle(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line.endswith(b"\n"):
                break
            writer.write(line[:-1][::-1] + b"\n")
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


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
            data = await asyncio.wait_for(reader.read(1024), timeout)
            answers.append(data.decode().strip())
        return answers
    finally:
        writer.close()
        await writer.wait_closed()
