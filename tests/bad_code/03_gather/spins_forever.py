async def gather_all(jobs):
    count = 0
    while True:
        count += 1
