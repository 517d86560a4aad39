"""Topic 12: a TCP server and client with asyncio streams.

The server answers every line a client sends with the same line reversed: the client sends
b"hello\n", the server answers b"olleh\n". A line ends with b"\n"; an empty line gets an
empty answer (b"\n").

asyncio hands each connection to you as a pair: a StreamReader to read what the client sent
(`await reader.readline()`) and a StreamWriter to send it bytes (`writer.write(data)`, then
`await writer.drain()`). Many clients are connected at once, each served by its own task, so
one slow client must never hold up the others.

Fill in the TODOs, then check your work with:

    pytest exercises/12_streams

Read README.md in this folder first. Keep experiments under
`if __name__ == "__main__":` at the bottom, so the graders do not run them.
"""

import asyncio


async def handle(reader, writer):
    """Serve one client: answer each line it sends with the line reversed, until it is done.

    Read one line at a time, and answer each with the same line reversed, followed by b"\n".
    After each write, await writer.drain(): a client that does not read its answers must make
    you wait, not make you pile its answers up in memory.

    The client is done when it closes its side of the connection. It may do that in the middle
    of a line: a line cut off like that (no b"\n" at its end) is not a request, so it gets no
    answer, and nothing may crash.

    However handle ends (the client is done, an error, or a cancel from outside), close the
    connection before it returns: writer.close(), then await writer.wait_closed().
    """
    # TODO: a loop around `await reader.readline()`, with try/finally to close the writer.
    raise NotImplementedError("handle")


async def serve(host, port, ready):
    """Run a server on host:port that runs `handle` for every client, all clients at once,
    until this coroutine is cancelled.

    As soon as the server listens, call ready(port) with the port it listens on: the graders
    pass port 0, which asks for any free port (server.sockets[0].getsockname()[1] is the one
    it got).

    When cancelled, shut down before letting the CancelledError go on: stop accepting new
    clients, end every connection still open, and wait until every handler has ended.
    """
    # TODO: asyncio.start_server(...), keep track of the handlers, and a try/finally that
    #       closes the server and ends them when the cancel comes.
    raise NotImplementedError("serve")


async def request(host, port, lines, timeout):
    """Connect to host:port, send each of `lines` (strings without b"\n") as a line, and
    return the server's answers, one line for each, as strings without their b"\n".

    Wait at most `timeout` seconds for each answer: when one does not come in time, raise
    TimeoutError. Close the connection in every case before returning or raising:
    writer.close(), then await writer.wait_closed().
    """
    # TODO: asyncio.open_connection(host, port), then a timeout around each readline().
    raise NotImplementedError("request")
