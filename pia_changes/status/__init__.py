"""`status`: every assessment of a repository, what is pending, and the procedure it needs by
when (Decisions 2026-12-06: status, Procedure timing). collect.py reads the repository (through
what `generate` computes), actions.py dates the steps (check uses it too), render.py prints.
Nothing is imported here: `check` reaches actions.py without loading the history code."""
