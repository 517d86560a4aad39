"""Spins forever as soon as it is imported."""

while True:
    pass
