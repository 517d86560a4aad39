"""Writes into a file outside its own folder."""

with open("/tmp/aiolings-was-here.txt", "w") as file:
    file.write("owned")
