"""`pia-changes.toml` at the repository root (Decisions: Assessments in a repository).

One loader for every command; a missing file means the defaults, a broken one is an error that
names the file and line, never a silent fallback.
"""
from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pia_changes.errors import PiaError
from pia_changes.forms.labelpath import LABEL_JOIN

CONFIG_NAME = "pia-changes.toml"


@dataclass(frozen=True)
class LeadTimes:
    """[procedure]: days the municipality allows for each step before a 変更日 (status, check).
    Only the 30 days of 意見聴取 are a legal minimum (原則30日以上, 規則第7条); the others are its own."""

    public_comment_days: int = 30
    third_party_days: int = 30
    submission_days: int = 14
    prompt_days: int = 30

    def warnings(self) -> list[str]:
        if self.public_comment_days < 30:
            return [f"{CONFIG_NAME}: [procedure] public_comment_days = {self.public_comment_days}: 住民等の意見聴取の"
                    "期間は原則30日以上です（規則第7条）"]
        return []


@dataclass(frozen=True)
class Config:
    root: Path
    assessments: tuple[str, ...] = ("assessments/*.yaml",)
    label_separator: str = LABEL_JOIN
    max_input_mb: float = 20
    gannen: bool = True
    tag_prefix: str = "submitted/"
    near_days: int = 30
    org_renames: dict[str, str] = field(default_factory=dict)
    wording: dict[str, str] = field(default_factory=dict)
    acknowledged: frozenset[str] = frozenset()
    former_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # path → earlier paths
    procedure: LeadTimes = field(default_factory=lambda: LeadTimes())

    @property
    def max_input_bytes(self) -> int:
        return int(self.max_input_mb * 1024 * 1024)

    def assessment_paths(self) -> list[Path]:
        """The assessment files the globs match, sorted, relative paths resolved against root."""
        found: set[Path] = set()
        for pattern in self.assessments:
            found.update(p for p in self.root.glob(pattern) if p.is_file())
        return sorted(found)


def _expect(value: object, kind: type | tuple, name: str, path: Path) -> object:
    if not isinstance(value, kind):
        raise PiaError(f"{name} の型が正しくありません", file=str(path))
    return value


def load_config(root: Path) -> Config:
    """Read ROOT/pia-changes.toml if it exists; unknown sections are ignored for forward compatibility."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(root=root)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise PiaError(f"TOML として読めません: {exc.msg if hasattr(exc, 'msg') else exc}",
                       file=str(path), line=line) from None
    except UnicodeDecodeError:
        raise PiaError("UTF-8 ではありません。UTF-8 で保存し直してください", file=str(path)) from None
    submission = _expect(raw.get("submission", {}), dict, "[submission]", path)
    organisation = _expect(raw.get("organisation", {}), dict, "[organisation]", path)
    findings = _expect(raw.get("findings", {}), dict, "[findings]", path)
    per_file = _expect(raw.get("assessment", {}), dict, "[assessment]", path)
    globs = raw.get("assessments", ["assessments/*.yaml"])
    if isinstance(globs, str):
        globs = [globs]
    return Config(
        root=root,
        assessments=tuple(_expect(globs, list, "assessments", path)),
        label_separator=str(raw.get("label_separator", LABEL_JOIN)),
        max_input_mb=float(_expect(raw.get("max_input_mb", 20), (int, float), "max_input_mb", path)),
        gannen=bool(raw.get("gannen", True)),
        tag_prefix=str(submission.get("tag_prefix", "submitted/")),
        near_days=int(submission.get("near_days", 30)),
        org_renames={str(k): str(v) for k, v in
                     _expect(organisation.get("renames", {}), dict, "[organisation] renames", path).items()},
        wording={str(k): str(v) for k, v in _expect(raw.get("wording", {}), dict, "[wording]", path).items()},
        acknowledged=frozenset(str(x) for x in
                               _expect(findings.get("acknowledged", []), list, "[findings] acknowledged", path)),
        former_names=_former_names(per_file, path),
        procedure=_lead_times(_expect(raw.get("procedure", {}), dict, "[procedure]", path), path),
    )


def _lead_times(table: dict, path: Path) -> LeadTimes:
    """[procedure]: whole days, 0 or more; a missing key keeps its default. A key it does not know
    is an error: a misspelt lead time would otherwise leave its default in every due day."""
    known = list(LeadTimes.__dataclass_fields__)
    for name in table:
        if name not in known:
            near = difflib.get_close_matches(str(name), known, n=1)
            hint = f"（{near[0]} のことですか）" if near else f"（使えるのは {', '.join(known)}）"
            raise PiaError(f"[procedure] に知らないキー {name} があります{hint}", file=str(path))
    values = {}
    for name in LeadTimes.__dataclass_fields__:
        if name in table:
            value = table[name]
            if type(value) is not int or value < 0:
                raise PiaError(f"[procedure] {name} は 0 以上の整数（日数）で書いてください", file=str(path))
            values[name] = value
    return LeadTimes(**values)


def _former_names(per_file: dict, path: Path) -> dict[str, tuple[str, ...]]:
    """[assessment."assessments/new.yaml"] former_names = ["assessments/old.yaml"]: renames git
    cannot detect (Decisions 2026-12-06: Tags follow the file)."""
    out = {}
    for name, table in per_file.items():
        table = _expect(table, dict, f'[assessment."{name}"]', path)
        names = _expect(table.get("former_names", []), list, f'[assessment."{name}"] former_names', path)
        out[str(name).removeprefix("./")] = tuple(str(n).removeprefix("./") for n in names)
    return out
