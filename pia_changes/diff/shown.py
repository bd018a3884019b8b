"""What `diff` prints, and, between two commits, the same output kept under .git: two commits
name two fixed versions, so a second `diff A B` reads the bytes back (table.outputcache) instead of
loading, diffing and classifying again (issue 29: the whole process ≥ 5× a DeepDiff script)."""
from __future__ import annotations

from pathlib import Path

from pia_changes.diff.revisions import Compared, compare_in, compare_revisions, split_arguments


def diff_output(args: tuple[str, ...], cached: bool, fmt: str, include_cosmetic: bool) -> tuple[bytes, int]:
    """The text `diff` prints (FMT: text, md or json) and how many significant changes it shows."""
    revs, files = split_arguments(args)
    if len(revs) != 2 or cached:  # a working file or the index: nothing fixed to key on
        from pia_changes.config import load_config
        results = compare_revisions(args, cached)
        return _shown(results, fmt, include_cosmetic, load_config(Path.cwd()).label_separator)
    from pia_changes.table.cachedir import config_salt
    from pia_changes.table.outputcache import Output, OutputCache, keyed
    from pia_changes.workspace import open_workspace

    with open_workspace(".") as ws:
        repo = ws.repo
        targets = ws.targets(files)
        key = keyed(("diff", fmt, include_cosmetic, tuple(targets)),
                    (*repo.resolve_all(revs), config_salt(ws.config)))
        store = OutputCache(repo)
        known = store.get(key)
        if known is not None:
            return known.data, known.rows
        data, significant = _shown(compare_in(ws, revs, targets, False), fmt, include_cosmetic,
                                   ws.config.label_separator)
        store.put(key, Output(data, (), (), significant))
    return data, significant


def _shown(results: list[Compared], fmt: str, include_cosmetic: bool, separator: str) -> tuple[bytes, int]:
    from pia_changes.render.difftext import diff_json_text, diff_markdown, diff_text
    writer = {"json": diff_json_text, "md": diff_markdown}.get(fmt, diff_text)
    significant = sum(len(r.result.significant()) for r in results)
    return writer(results, include_cosmetic, separator).encode("utf-8"), significant
