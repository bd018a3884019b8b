"""`init DIR`: a new repository for a municipality's assessments (Decisions: init).

Creates DIR if needed, runs `git init` unless DIR is already the top of a repository, and writes
the template: the starter of the chosen form as `assessments/hyoukasho.yaml`, the other forms'
starters under `templates/` (outside the assessments glob), and the files of `repo_template/`.
It commits nothing, deletes nothing, touches `.git` only through `git init`, and leaves existing
files alone (listing them) unless `force` rewrites those template files.

The starters are written as text from the schema walk, not dumped, so every item carries a
comment with its printed label, ※ when a change to it is a 重要な変更, and its options.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pia_changes.config import load_config
from pia_changes.document.model import FORM_KEY, VERSION_KEY, form_name
from pia_changes.errors import PiaError
from pia_changes.forms import Form, Node, load_form
from pia_changes.git.repo import GitRepo
from pia_changes.document.legacy import LEGACY_KEY
from pia_changes.output import write_atomic
from pia_changes.rebuild.example import example_readme, write_example
from pia_changes.document.starter import blank_document

FORMS = ("全項目", "重点項目", "基礎項目")
STARTER = "assessments/hyoukasho.yaml"
TEMPLATE_FILES = ("pia-changes.toml", ".pre-commit-config.yaml", ".gitattributes", "README.md",
                  ".github/workflows/pia-changes.yml")
_PLAIN_KEY_BAD = set(":#[]{},&*!|>'\"%@`?") | {" ", "\t"}


@dataclass
class InitReport:
    root: Path
    git_initialised: bool
    created: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)   # left alone (no --force)
    notes: list[str] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)  # existing file → why it matters that it was kept


def init(directory: str | Path, form: str = "全項目", example: bool = False, force: bool = False) -> InitReport:
    """Set up DIRECTORY; see the module docstring. With `example`, pia_changes.rebuild.example's
    write_example(DIRECTORY) writes the assessments (no starter), then the rest of the template."""
    if form not in FORMS:
        raise PiaError(f"未知の様式です: {form}（全項目・重点項目・基礎項目のいずれか）")
    writer = write_example if example else None
    files = template_files(form, with_starter=writer is None)  # before touching anything
    if example:
        files["README.md"] = example_readme(files["README.md"])
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise PiaError("ディレクトリではありません", file=str(directory))
    target.mkdir(parents=True, exist_ok=True)
    report = InitReport(root=target, git_initialised=False)
    assessments = _assessments(target)  # what the directory already holds, before anything is written
    _ensure_repository(target, report)
    if writer is not None:
        for rel in writer(target) or ():  # the example brings its own assessments and history
            files.pop(rel, None)
            report.created.append(rel)
    for rel, data in files.items():
        _write(target, rel, data, force, report)
    _explain_kept(target, form, assessments, report)
    return report


def _assessments(root: Path) -> list[str]:
    try:
        return [p.relative_to(root).as_posix() for p in load_config(root).assessment_paths()]
    except PiaError:  # an unreadable pia-changes.toml: init lists it as kept all the same
        return []


def _explain_kept(root: Path, form: str, assessments: list[str], report: InitReport) -> None:
    """Say what a second `init` kept: the assessments, and a starter of another form than --form
    asks for (then that form's starter goes to templates/, so the request is not lost)."""
    for rel in assessments:
        if rel in report.overwritten:
            continue
        report.kept[rel] = "評価書です。変更していません"
        if rel != STARTER:
            continue
        head = (root / rel).read_text(encoding="utf-8-sig", errors="replace")[:4096]
        found = re.search(rf"^{FORM_KEY}:\s*([^#\n]*)", head, re.MULTILINE)
        kept_form = form_name(found.group(1).strip()) if found else None
        if kept_form and kept_form != form:
            wanted = f"templates/{form}.yaml"
            _write(root, wanted, starter_yaml(form).encode("utf-8"), False, report)
            report.kept[rel] = f"様式は{kept_form}のままです。{form}のひな形は {wanted} にあります"


def template_files(form: str, with_starter: bool = True) -> dict[str, bytes]:
    """Every file init writes, by path relative to DIR."""
    files: dict[str, bytes] = {}
    if with_starter:
        files[STARTER] = starter_yaml(form).encode("utf-8")
    for other in FORMS:
        if other != form or not with_starter:  # the example has no starter: every form is a template
            files[f"templates/{other}.yaml"] = starter_yaml(other).encode("utf-8")
    source = template_dir()
    for rel in TEMPLATE_FILES:
        files[rel] = (source / rel).read_bytes()
    return files


def template_dir() -> Path:
    """repo_template/: inside the package when installed with it, else beside it (source checkout)."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "repo_template", package.parent / "repo_template"):
        if (candidate / TEMPLATE_FILES[0]).is_file():
            return candidate
    raise PiaError("repo_template が見つかりません（pia-changes のインストールを確認してください）")


def _ensure_repository(target: Path, report: InitReport) -> None:
    """`git init` unless TARGET is the top of a repository. A directory inside another repository
    gets its own: pia-changes.toml must sit at the root of the repository holding the assessments."""
    try:
        with GitRepo.discover(target) as repo:
            parent = repo.root
    except PiaError:
        parent = None
    if parent is not None and parent.resolve() == target.resolve():
        report.notes.append("既存の git リポジトリです（git init はしていません）")
        return
    GitRepo.init(target).close()
    report.git_initialised = True
    if parent is not None:
        report.notes.append(f"リポジトリ {parent} の中に、別の git リポジトリを作りました")


def _write(root: Path, rel: str, data: bytes, force: bool, report: InitReport) -> None:
    path = root / rel
    if path.exists() or path.is_symlink():
        if not force:
            report.existing.append(rel)
            return
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            return  # already the template: nothing to rewrite
        write_atomic(path, data, force=True)  # keeps the file's own permissions
        report.overwritten.append(rel)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as fh:  # exclusive: never replaces a file that appeared meanwhile
        fh.write(data)
    report.created.append(rel)


# ---- starters with comments --------------------------------------------------------------------

def starter_yaml(form_name: str) -> str:
    """The empty assessment of FORM_NAME as commented YAML; loads as blank_document(form, 0)."""
    form = load_form(form_name)
    blank = blank_document(form, entries=0)
    starred = form.form != "基礎項目"  # 基礎項目: only しきい値 effects matter (domain.md)
    lines = _header(form) + [f"{FORM_KEY}: {blank[FORM_KEY]}", f"{VERSION_KEY}: {blank[VERSION_KEY]}", ""]
    for node in form.nodes:
        lines += _node_lines(node, 0, starred, example=False)
        lines.append("")
    lines.append(f"{LEGACY_KEY}: []  # （別添）変更箇所: git で管理する前の表の行（README.md の「2. 評価書を書く」）")
    return "\n".join(lines) + "\n"


def _header(form: Form) -> list[str]:
    return [
        f"# 特定個人情報保護評価書（{form.title}、{form.version} {form.yoshiki}）のひな形",
        "# pia-changes init が様式の定義から作りました。値を記入してコミットしてください。",
        "#",
        "# - 「:」の左（キー）は様式の見出しです。変えずに、右に値を書きます。",
        "# - 「#」から右はコメントです（印刷される項目名・選択肢など）。残しても消しても構いません。",
        "# - ※ の項目の変更は重要な変更の対象です（変更日より前に再実施・提出・公表が必要になり得ます）。",
        "# - 選択肢の項目はコメントの選択肢から1つをそのまま書きます。複数選ぶ項目は [A, B] の形です。",
        "# - 複数行の文章は「キー: |-」と書き、次の行から字下げして書きます。",
        "# - 繰り返しの項目（システム、特定個人情報ファイル、委託事項など）は「[]」を消し、",
        "#   下のコメントの形で「- 」から1件ずつ書きます（先頭の項目がその要素の名前です）。",
        "# - 最初のコミットが基準になり、以後の変更から別添「変更箇所」の表が作られます。",
        "",
    ]


def _node_lines(node: Node, indent: int, starred: bool, example: bool) -> list[str]:
    """NODE as YAML lines at INDENT. In an example block (inside comments) groups show one entry."""
    pad = " " * indent
    key = _key(node.key)
    if node.type == "section":
        lines = [f"{pad}{key}:{_comment(node, starred)}"]
        for child in node.children:
            lines += _node_lines(child, indent + 2, starred, example)
        return lines
    if node.is_group:
        entry = _entry_lines(node, starred)
        if example:
            return [f"{pad}{key}:{_comment(node, starred)}"] + [f"{pad}  {line}" for line in entry]
        return [f"{pad}{key}: []{_comment(node, starred)}"] + [f"{pad}# {line}" for line in entry]
    value = " []" if node.type == "checkbox" else ""
    return [f"{pad}{key}:{value}{_comment(node, starred)}"]


def _entry_lines(group: Node, starred: bool) -> list[str]:
    """One entry of GROUP at column 0: `- first: …` then the other items indented by two."""
    lines: list[str] = []
    for child in group.children:
        lines += _node_lines(child, 2, starred, example=True)
    return ["- " + lines[0][2:]] + lines[1:] if lines else ["- {}"]


def _comment(node: Node, starred: bool) -> str:
    """The printed label (when it differs from the key), ※, the options: what staff look up."""
    parts = [node.label] if node.label != node.key else []
    if node.is_group:
        first = node.format_entry(1, "").strip()
        parts.append(f"繰り返し（{first}, …）")
    if starred and node.is_leaf and node.star:
        parts.append("※")
    if node.threshold:
        parts.append("しきい値判断の項目")
    if node.type == "choice":
        parts.append("選択肢: " + " / ".join(node.options))
    elif node.type == "checkbox":
        parts.append("選択肢（複数可）: " + " / ".join(node.options))
    elif node.type == "count":
        parts.append("整数")
    elif node.type == "date":
        parts.append("日付（2025-06-01 又は 令和7年6月1日）")
    if node.open_options:
        parts.append("「" + "・".join(node.open_options) + "」の後ろに（…）で記入可")
    return "  # " + " ".join(parts) if parts else ""


def _key(key: str) -> str:
    """A plain YAML key when that is safe, else a double-quoted one (JSON strings are YAML)."""
    plain = key and not (set(key) & _PLAIN_KEY_BAD) and key[0] not in "-?" and not key[0].isdigit()
    return key if plain else json.dumps(key, ensure_ascii=False)
