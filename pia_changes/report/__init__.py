"""`report`: a static, offline HTML history viewer for reviewers (第三者点検, the 委員会's
examiner, auditors): a timeline, a 新旧対照表 per revision, filters, and the 変更箇所 table with
its xlsx and csv. Usable without the CLI: `build_report(out_dir, start, files, force)`."""
from __future__ import annotations

from pia_changes.report.builder import ReportResult, build_report

__all__ = ["ReportResult", "build_report"]
