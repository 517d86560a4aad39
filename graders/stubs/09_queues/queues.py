"""Topic 09: asyncio.Queue — producers, consumers, backpressure and shutdown.

`run_pipeline` receives:

- `sources`: a list of async iterables. Read each one with `async for item in source:`;
  every item takes a little while to arrive.
- `process`: an async function. `await process(item)` processes one item; it takes a while,
  and for some items it raises an exception.
- `consumers`: how many consumer tasks to run.
- `maxsize`: how many items the queue may hold.

Fill in the TODOs, then check your work with:

    pytest exercises/09_queues

Read README.md in this folder first. Keep experiments under
`if __name__ == "__main__":` at the bottom, so the graders do not run them.
"""

import asyncio


async def run_pipeline(sources, process, consumers, maxsize):
    """Move every item from the sources through one `asyncio.Queue(maxsize)` to `consumers` consumer tasks.

    - Producers: one per source, each putting its items on the queue with `await queue.put(item)`.
      When the queue is full, put waits: that is what keeps fast producers from running ahead.
    - Consumers: `consumers` tasks, each taking the next item with `await queue.get()`, processing
      it with `await process(item)`, and calling `queue.task_done()` once per item.
    - A failure: if `process(item)` raises, note the item and go on with the next one.
    - Shutdown: once the producers are done, `await queue.join()` waits until every item has had
      its task_done(); then stop the consumers. No task of yours may be left running when
      run_pipeline returns.

    Return `(processed, failed)`: the number of items processed without error, and a list of
    the items whose processing raised.
    """
    # TODO: create the queue, start the consumers and the producers, wait for the work, shut down.
    raise NotImplementedError("run_pipeline")


if __name__ == "__main__":
    async def numbers(start, count):
        for n in range(start, start + count):
            await asyncio.sleep(0.1)  # a fast producer
            yield n

    async def slow_square(n):
        await asyncio.sleep(1)  # a slow consumer
        if n == 13:
            raise ValueError("unlucky")
        print(n, "squared is", n * n)

    # Two producers of 6 items each, 3 consumers, room for 2 items: should take about 4 s
    # and print (11, [13]).
    print(asyncio.run(run_pipeline([numbers(10, 6), numbers(20, 6)], slow_square, 3, 2)))
