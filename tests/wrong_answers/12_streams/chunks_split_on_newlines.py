"""handle reads with read(1024) and answers the whole lines in each chunk, dropping what follows the last newline of a chunk."""

import asyncio
import contextlib
import socket


async def handle(reader, writer):
    try:
        while True:
            chunk = await reader.read(1024)
            if not chunk:
                break
            for line in chunk.split(b"\n")[:-1]:
                writer.write(line[::-1] + b"\n")
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def serve(host, port, ready):
    handlers = set()

    def on_client(reader, writer):
        task = asyncio.create_task(handle(reader, writer))
        handlers.add(task)
        task.add_done_callback(handlers.discard)

    server = await asyncio.start_server(on_client, host, port)
    try:
        ready(server.sockets[0].getsockname()[1])
        await asyncio.Future()
    finally:
        server.close()
        for task in list(handlers):
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()


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
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
