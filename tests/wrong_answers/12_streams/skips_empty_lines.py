"""Topic 12, wrong: handle skips empty lines (`if not line.strip(): continue`) instead of answering them with an empty line."""

import asyncio


async def handle(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line.endswith(b"\n"):  # b"" at the end of the stream, or a line cut off by it
                break
            if not line.strip():
                continue  # "nothing to answer"
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
    async with asyncio.TaskGroup() as handlers:
        # One task per client, in a group: cancelling serve cancels the group, which cancels
        # every handler and waits until each has ended (and closed its connection).
        server = await asyncio.start_server(lambda reader, writer: handlers.create_task(handle(reader, writer)),
                                            host, port)
        try:
            ready(server.sockets[0].getsockname()[1])
            await asyncio.Future()  # nothing ever sets it: serve until cancelled
        finally:
            server.close()  # no new clients; the connections already open are the group's to end


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
