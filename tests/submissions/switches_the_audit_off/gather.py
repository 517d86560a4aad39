"""Finds the audit hook's object and replaces its rules on the instance, then writes outside its folder."""

import gc

for thing in gc.get_objects():
    if type(thing).__name__ == "Audit":
        thing._refused = lambda event, args: None

with open("/tmp/aiolings-audit-was-off.txt", "w") as file:
    file.write("owned")


async def gather_all(jobs):
    raise NotImplementedError("gather_all")


async def gather_settled(jobs):
    raise NotImplementedError("gather_settled")


async def gather_limited(jobs, limit):
    raise NotImplementedError("gather_limited")
