"""Accepts clients in a loop and awaits `handle` for each before accepting the next: one client
at a time, so a client in the middle of a line holds up everyone after it."""
import asyncio
import socket


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
    loop = asyncio.get_running_loop()
    listener = socket.socket()
    listener.bind((host, port))
    listener.listen()
    listener.setblocking(False)
    ready(listener.getsockname()[1])
    try:
        while True:
            client, _ = await loop.sock_accept(listener)
            reader, writer = await asyncio.open_connection(sock=client)
            await handle(reader, writer)
    finally:
        listener.close()


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
