# Correct: readuntil + IncompleteReadError; serve_forever with a task set; request reads each answer with readexactly (same length as the line)
import asyncio


async def handle(reader, writer):
    try:
        while True:
            try:
                line = await reader.readuntil(b"\n")
            except asyncio.IncompleteReadError:
                return  # EOF, maybe with a half line in .partial: no answer
            writer.write(line[:-1][::-1])
            writer.write(b"\n")
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
    handlers = set()

    def on_client(reader, writer):
        t = asyncio.create_task(handle(reader, writer))
        handlers.add(t)
        t.add_done_callback(handlers.discard)

    server = await asyncio.start_server(on_client, host, port)
    ready(server.sockets[0].getsockname()[1])
    try:
        await server.serve_forever()
    finally:
        server.close()
        pending = list(handlers)
        for t in pending:
            t.cancel()
        if pending:
            await asyncio.wait(pending)


async def request(host, port, lines, timeout):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        answers = []
        for line in lines:
            data = line.encode()
            writer.write(data + b"\n")
            await writer.drain()
            raw = await asyncio.wait_for(reader.readexactly(len(data) + 1), timeout)
            answers.append(raw[:-1].decode())
        return answers
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass
