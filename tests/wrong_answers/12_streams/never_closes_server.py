"""Ends every handler when cancelled, and waits for them, but never closes the server: it goes on
accepting clients after serve has ended."""
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
    tasks = set()

    async def client(reader, writer):
        tasks.add(asyncio.current_task())
        try:
            await handle(reader, writer)
        finally:
            tasks.discard(asyncio.current_task())

    server = await asyncio.start_server(client, host, port)
    ready(server.sockets[0].getsockname()[1])
    try:
        await asyncio.Future()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


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
