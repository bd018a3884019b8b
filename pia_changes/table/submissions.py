"""Which submission tags count for an assessment, and what is wrong with the tags of a repository.

A tag `submitted/<stem>/DATE` counts for the file that had that stem at the tagged commit, so a
`git mv` keeps its submissions; a rename git cannot see is declared with `former_names`
(Decisions 2026-12-06: Tags follow the file). Tags that name no assessment, and tags made long
after the date in their name, are warnings: auditors ask about both.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import PurePosixPath

from pia_changes.config import Config
from pia_changes.git.repo import GitRepo, Revision, SubmissionTag
from pia_changes.table.findings import FindingCollector

BACKDATE_DAYS = 7  # a tag made more than this after the date in its name is a backdated_tag


def stem(path: str) -> str:
    return PurePosixPath(path).stem


def path_at(repo: GitRepo, revisions: list[Revision], commit: str) -> str | None:
    """The file's path at COMMIT: that of its latest revision COMMIT contains, None when the file
    did not exist there (or had been deleted)."""
    for revision in reversed(revisions):
        if repo.is_ancestor(revision.sha, commit):
            return revision.path if revision.blob is not None else None
    return None


def assessment_tags(repo: GitRepo, path: str, revisions: list[Revision], tags: Iterable[SubmissionTag],
                    config: Config) -> list[SubmissionTag]:
    """The submissions of the assessment at PATH, oldest first. A former name counts where the
    file had no history of its own yet (a rename git did not detect)."""
    former = {stem(p) for p in config.former_names.get(path, ())}
    possible = former | {stem(r.path) for r in revisions}  # no other stem can count: no walk for it
    out = []
    for tag in tags:
        if tag.stem is None:
            out.append(tag)
            continue
        if tag.stem not in possible:
            continue
        then = path_at(repo, revisions, tag.target)
        if (then is not None and stem(then) == tag.stem) or (then is None and tag.stem in former):
            out.append(tag)
    return sorted(out, key=lambda t: (t.date, t.name))


def known_stems(repo: GitRepo, config: Config, paths: Iterable[str]) -> set[str]:
    """Every stem an assessment of the repository has had: current, historical, declared former."""
    stems: set[str] = set()
    for path in paths:
        stems.add(stem(path))
        stems.update(stem(r.path) for r in repo.file_revisions(path))
        stems.update(stem(p) for p in config.former_names.get(path, ()))
    return stems


def tag_findings(tags: Iterable[SubmissionTag], stems: set[str], prefix: str,
                 findings: FindingCollector) -> None:
    """unmatched_tag and backdated_tag warnings, once per repository."""
    for tag in tags:
        if tag.stem is not None and tag.stem not in stems:
            findings.add("warning", "unmatched_tag",
                         f"提出タグ {tag.name} はどの評価書にも当たりません（{prefix}<評価書のファイル名（拡張子なし）>/"
                         "YYYY-MM-DD の形にしてください。改名した評価書は pia-changes.toml の former_names に"
                         "旧名を書いてください）", commit=tag.target, item_id=tag.name)
        if tag.tagged is not None and tag.tagged.date() - tag.date > dt.timedelta(days=BACKDATE_DAYS):
            findings.add("warning", "backdated_tag",
                         f"提出タグ {tag.name} は名前の日付 {tag.date.isoformat()} の "
                         f"{(tag.tagged.date() - tag.date).days} 日後（{tag.tagged.date().isoformat()}）に作られています。"
                         "提出日の記録を確認してください", commit=tag.target, item_id=tag.name)


def repository_findings(repo: GitRepo, config: Config, paths: Iterable[str]) -> tuple:
    """The findings about the repository's submission tags as a whole (not one assessment's)."""
    findings = FindingCollector(config.acknowledged)
    tags = repo.tags(config.tag_prefix)
    paths = sorted(set(paths))
    stems = known_stems(repo, config, paths)
    tag_findings(tags, stems, config.tag_prefix, findings)
    _submitting_nothing(repo, config, paths, [t for t in tags if t.stem in stems], findings)
    return findings.all()


def _submitting_nothing(repo: GitRepo, config: Config, paths: list[str], named: list[SubmissionTag],
                        findings: FindingCollector) -> None:
    """A tag whose name some assessment had, but none had at the tagged commit (the old name used
    after a rename, a tag on a commit before the file existed): it submits nothing, and without a
    word the change it was meant for stays unsubmitted."""
    if not named:
        return
    repo.preload_ancestry([t.target for t in named])
    counted = {t.name for path in paths for t in assessment_tags(repo, path, repo.file_revisions(path), named, config)}
    for tag in named:
        if tag.name not in counted:
            findings.add("warning", "unmatched_tag",
                         f"提出タグ {tag.name} の指すコミットには {tag.stem} という名前の評価書がなく、何も提出しません"
                         "（改名の後は新しい名前で、評価書のあるコミットにタグを付けてください）",
                         commit=tag.target, item_id=tag.name)
