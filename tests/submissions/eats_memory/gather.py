"""Allocates ever bigger blocks of memory until something stops it."""

hoard = []
size = 500_000_000
while True:
    hoard.append(bytes(size))
    size *= 4
