"""Topic 12, correct: request sends every line, half-closes its side (write_eof), then reads each answer under its own wait_for."""

import asyncio
from dataclasses import dataclass, field


async def handle(reader, writer):
    try:
        while (line := await reader.readline()).endswith(b"\n"):
            writer.write(line.rstrip(b"\n")[::-1] + b"\n") if line != b"\n" else writer.write(b"\n")
            await writer.drain()
    except (ConnectionError, asyncio.LimitOverrunError, ValueError):
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


@dataclass
class _Server:
    handlers: set = field(default_factory=set)

    def accept(self, reader, writer):
        task = asyncio.create_task(handle(reader, writer), name="handle")
        self.handlers.add(task)
        task.add_done_callback(self.handlers.discard)

    async def shutdown(self):
        while self.handlers:
            tasks = list(self.handlers)
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def serve(host, port, ready):
    state = _Server()
    server = await asyncio.start_server(state.accept, host, port)
    try:
        ready(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()
    finally:
        server.close()
        await state.shutdown()


async def request(host, port, lines, timeout):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.writelines(f"{line}\n".encode() for line in lines)
        await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
        return [
            (await asyncio.wait_for(reader.readuntil(b"\n"), timeout)).decode()[:-1]
            for _ in lines
        ]
    finally:
        writer.close()
        await writer.wait_closed()
