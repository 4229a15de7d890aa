"""Coverage-guided fuzzing (atheris) of the byte parsers: ``python -m tests.fuzz --seconds 20``."""
