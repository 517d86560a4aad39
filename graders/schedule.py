"""When a set of jobs ends under a concurrency limit, for graders of bounded concurrency."""

from __future__ import annotations

import heapq


def greedy_finish(durations: list[float], limit: int) -> float:
    """When the last job ends if each job starts, in order, as soon as one of `limit` slots is free."""
    slots = [0.0] * limit
    for d in durations:
        heapq.heappush(slots, heapq.heappop(slots) + d)
    return max(slots)


def batched_finish(durations: list[float], limit: int) -> float:
    """When the last job ends if the jobs run in fixed batches of `limit`, each waiting for its slowest."""
    return sum(max(durations[i : i + limit]) for i in range(0, len(durations), limit))
