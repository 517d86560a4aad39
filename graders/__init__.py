"""aiolings: an auto-graded asyncio course. This package holds the course manifest, the graders and their instruments."""

__version__ = "0.1.0"
