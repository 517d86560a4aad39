# Correct: readuntil() with IncompleteReadError for the end of the stream; serve keeps every open
# writer and counts the handlers still running (an asyncio.Condition), and on the cancel closes the
# server and every connection, which ends each handler at its next read, then waits for the count to
# reach zero; request talks one line at a time with wait_for around readuntil().
"""Topic 12: a TCP server and client with asyncio streams."""

import asyncio


async def handle(reader, writer):
    try:
        while True:
            try:
                line = await reader.readuntil(b"\n")
            except asyncio.IncompleteReadError:
                return  # the client is done (what it left, if anything, was a cut-off line)
            writer.write(line[-2::-1] + b"\n")
            await writer.drain()
    except ConnectionError:
        return
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


async def serve(host, port, ready):
    writers = set()
    running = asyncio.Condition()
    count = 0

    async def client(reader, writer):
        nonlocal count
        writers.add(writer)
        count += 1
        try:
            await handle(reader, writer)
        finally:
            writers.discard(writer)
            async with running:
                count -= 1
                running.notify_all()

    server = await asyncio.start_server(client, host, port)
    ready(server.sockets[0].getsockname()[1])
    try:
        await asyncio.get_running_loop().create_future()
    finally:
        server.close()
        for writer in list(writers):
            writer.close()
        async with running:
            await running.wait_for(lambda: count == 0)


async def request(host, port, lines, timeout):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        answers = []
        for line in lines:
            writer.write(f"{line}\n".encode())
            await writer.drain()
            answer = await asyncio.wait_for(reader.readuntil(b"\n"), timeout=timeout)
            answers.append(answer[:-1].decode())
        return answers
    finally:
        writer.close()
        await writer.wait_closed()
