"""The learner's command: `aiolings` (cli), progress and its cache, one grading run (run), watch and its keys."""
