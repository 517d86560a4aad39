raise SystemExit("this sitecustomize must never be imported by aiolings grade")
