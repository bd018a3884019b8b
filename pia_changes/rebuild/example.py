"""The example repository of `pia-changes init DIR --example` (Decisions: The example repository).

Two published 評価書 shipped with the package — seed 004 as `assessments/kaigo.yaml`, seed 000 as
`assessments/jyuki.yaml` — are reconstructed (pia_changes.rebuild.reconstruct) and their rebuilt
histories committed interleaved by date in one repository, each file with its own submission tags
(`submitted/kaigo/…`, `submitted/jyuki/…`), with `pia-changes.toml`. `generate` there prints both
変更箇所 tables.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from pia_changes.errors import PiaError
from pia_changes.git.repo import GitRepo
from pia_changes.rebuild.reconstruct import (
    ASSESSMENTS_DIR,
    CONFIG_FILE,
    config_bytes,
    plan_text,
    write_history,
)

SOURCES = {"kaigo": "kaigo.txt", "jyuki": "jyuki.txt"}  # assessment stem → shipped text

# repo_template/README.md speaks of the starter (assessments/hyoukasho.yaml), which the example
# has not: its README names the example's own files. Each pair must match (a test holds it).
_README_EDITS = (
    ("| `assessments/*.yaml` | 評価書（1つの評価書に1ファイル）。`hyoukasho.yaml` は記入用のひな形です |",
     "| `assessments/kaigo.yaml` | 例の評価書: 川口市 介護保険に関する事務 重点項目評価書（公表された変更箇所の表から"
     "履歴を作り直したもの） |\n"
     "| `assessments/jyuki.yaml` | 例の評価書: 長野市 住民基本台帳に関する事務 全項目評価書（同じく履歴つき） |"),
    ("| `templates/` | ほかの様式のひな形（ここに置いたままでは評価書として扱われません） |",
     "| `templates/` | 各様式のひな形（新しい評価書は、ここから `assessments/` に写して書きます。ここに置いた"
     "ままでは評価書として扱われません） |"),
    ("`assessments/hyoukasho.yaml` をテキストエディタ（UTF-8 で保存できるもの）で開き、値を記入します。\n"
     "ファイル名は評価書ごとに分かりやすい名前（例: `jyuki.yaml`）に変えて構いません。",
     "例の評価書 `assessments/kaigo.yaml` と `assessments/jyuki.yaml` をテキストエディタ（UTF-8 で保存できる"
     "もの）で開き、値を直してみてください。\n新しい評価書は `templates/` のひな形を `assessments/` に"
     "分かりやすい名前（例: `assessments/kokuho.yaml`）で写して記入します。"),
    ("-o assessments/jyuki.yaml", "-o assessments/kokuho.yaml"),
    ("submitted/hyoukasho/", "submitted/kaigo/"),
    ("`hyoukasho` の部分は評価書のファイル名", "`kaigo` の部分は評価書のファイル名"),
)
_EXAMPLE_INTRO = (
    "\nこれは `pia-changes init --example` で作った**例のリポジトリ**です。公表された2つの評価書の"
    "「変更箇所」の表から履歴を作り直してあり、`pia-changes generate` で両方の表が、"
    "`pia-changes log assessments/kaigo.yaml` で版の一覧が表示されます。\n"
)


def example_readme(template: bytes) -> bytes:
    """The repository README for the example: the template's text, naming the example's files."""
    text = template.decode("utf-8")
    for old, new in _README_EDITS:
        if old not in text:
            raise PiaError(f"repo_template/README.md に例の書き換え箇所がありません: {old[:40]}")
        text = text.replace(old, new)
    title, _, rest = text.partition("\n")
    return f"{title}\n{_EXAMPLE_INTRO}{rest}".encode("utf-8")


def example_texts() -> dict[str, bytes]:
    """The shipped texts by assessment stem."""
    folder = resources.files("pia_changes.examples")
    return {stem: folder.joinpath(name).read_bytes() for stem, name in SOURCES.items()}


def write_example(directory: str | Path) -> list[str]:
    """Build the example history in DIRECTORY, a git repository without commits; the paths it
    wrote (committed), relative to DIRECTORY."""
    root = Path(directory)
    with GitRepo.discover(root) as repo:
        if repo.head() is not None:
            raise PiaError("例のリポジトリは、まだコミットのない新しいリポジトリにしか作れません", file=str(root))
        paths = [f"{ASSESSMENTS_DIR}/{stem}.yaml" for stem in SOURCES]
        existing = [p for p in paths + [CONFIG_FILE] if (root / p).exists()]
        if existing:
            raise PiaError(f"例のファイルが既にあります: {', '.join(existing)}", file=str(root))
        plans = {}
        for stem, raw in example_texts().items():
            plans[f"{ASSESSMENTS_DIR}/{stem}.yaml"], _ = plan_text(raw, f"{stem}.txt")
        write_history(root, plans, {CONFIG_FILE: config_bytes()}, repo=repo)
    return sorted(plans) + [CONFIG_FILE]
