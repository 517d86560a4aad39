"""When cancelled, closes the server and every client's connection, and returns at once: the
handlers end only a moment later, after serve has returned."""
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
    writers = set()

    async def client(reader, writer):
        writers.add(writer)
        try:
            await handle(reader, writer)
        finally:
            writers.discard(writer)

    server = await asyncio.start_server(client, host, port)
    ready(server.sockets[0].getsockname()[1])
    try:
        await asyncio.Future()
    finally:
        server.close()
        for writer in writers:
            writer.close()


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
