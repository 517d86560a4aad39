async def gather_all(jobs):
    while True:
        try:
            while True:
                pass
        except Exception:
            pass
