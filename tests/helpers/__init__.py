"""Shared test helpers: the CLI runners, the assessment builders, the seeds and a real-git repository."""
