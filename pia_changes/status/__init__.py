"""`status`: every assessment of a repository, what is pending, and the procedure it needs by
when (Decisions 2026-12-06: status, Procedure timing). Usable without the CLI:
`collect(start, as_of)` gives one AssessmentStatus per assessment."""
from __future__ import annotations

from pia_changes.status.collect import collect
from pia_changes.status.model import Action, AssessmentStatus

__all__ = ["Action", "AssessmentStatus", "collect"]
