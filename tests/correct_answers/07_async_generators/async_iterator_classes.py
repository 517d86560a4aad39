# Correct: hand-written async iterator classes (__aiter__/__anext__ plus aclose) instead of `async def ... yield`.
"""Topic 07: async generators and `async for`."""

import asyncio


class _Closable:
    """Shared part: an async iterator that can be closed like an async generator."""

    def __init__(self):
        self._finished = False

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self._finished:
            raise StopAsyncIteration
        try:
            return await self._next_item()
        except BaseException:
            await self._finish()
            raise

    async def aclose(self):
        await self._finish()

    async def _finish(self):
        if not self._finished:
            self._finished = True
            await self._cleanup()

    async def _cleanup(self):
        pass

    async def _next_item(self):
        raise NotImplementedError


class _Ticker(_Closable):
    def __init__(self, n, interval):
        super().__init__()
        self._next, self._n, self._interval = 0, n, interval

    async def _next_item(self):
        if self._next >= self._n:
            raise StopAsyncIteration
        await asyncio.sleep(self._interval)
        value, self._next = self._next, self._next + 1
        return value


class _LineReader(_Closable):
    def __init__(self, source):
        super().__init__()
        self._source = source

    async def _next_item(self):
        line = await self._source.readline()
        if not line:
            raise StopAsyncIteration  # __anext__ closes the source on the way out
        return line.removesuffix("\n")

    async def _cleanup(self):
        await self._source.close()


class _Transform(_Closable):
    def __init__(self, source, func):
        super().__init__()
        self._source, self._func = source, func

    async def _next_item(self):
        return self._func(await anext(self._source))

    async def _cleanup(self):
        await self._source.aclose()


def ticker(n, interval):
    """Yield 0, 1, ..., n - 1, waiting `interval` seconds before each number."""
    return _Ticker(n, interval)


def read_lines(source):
    """Yield the lines of `source` one at a time, without their trailing newline."""
    return _LineReader(source)


def transform(source, func):
    """Yield func(item) for every item of the async iterable `source`, as each item arrives."""
    return _Transform(source, func)
