"""Assessments for tests, built from the form schemas: blank, every item filled, or the 介護保険 document
most end-to-end tests edit one item of."""
from __future__ import annotations

from typing import Callable

import yaml

from pia_changes.document.model import Document, load_text
from pia_changes.document.starter import blank_document
from pia_changes.forms import Node, load_form

JIMU = ("基本情報", "特定個人情報ファイルを取り扱う事務")
SYSTEMS = ("基本情報", "特定個人情報ファイルを取り扱う事務において使用するシステム", "システム")
KAIGO_TITLE = "テスト市 介護保険に関する事務 重点項目評価書"
KAIGO_LEGACY = [  # a 重要な変更 submitted 事前 (two-line html after) and a Ⅴ change with a blank 提出時期
    {"変更日": "令和6年4月1日", "項目": "Ⅰ 基本情報－1. 特定個人情報ファイルを取り扱う事務－②事務の内容",
     "変更前の記載": "<p>旧</p>", "変更後の記載": "<p>新<br>二行目</p>", "提出時期": "事前",
     "提出時期に係る説明": "重要な変更"},
    {"変更日": "令和6年5月1日", "項目": "Ⅴ 評価実施手続－1. 基礎項目評価－①実施日",
     "変更前の記載": "令和4年3月2日", "変更後の記載": "令和6年5月1日", "提出時期": "",
     "提出時期に係る説明": "その他の項目の変更であり、事前の提出・公表が義務付けられない。"},
]


def blank(form: str = "重点項目", entries: int = 0) -> dict:
    """The starter of FORM: every key, every value empty, ENTRIES empty entries per repeat group."""
    return blank_document(load_form(form), entries)


def assessment(form: str = "重点項目", *, title: str | None = None, legacy: list | tuple = (),
               systems: tuple[str, ...] = (), function: str = "資格管理\n給付管理\n", check: str | None = None,
               **jimu: str) -> dict:
    """A blank FORM with 基本情報 > 特定個人情報ファイルを取り扱う事務 items JIMU (by key) filled in, the cover's
    評価書名 TITLE, legacy rows, one システム entry per name in SYSTEMS (its 機能 FUNCTION) and, with CHECK,
    the 方法 of 第三者点検."""
    data = blank(form)
    if title is not None:
        data["表紙"]["評価書名"] = title
    data["変更箇所"] = list(legacy)
    if check is not None:
        data["評価実施手続"]["第三者点検"]["方法"] = check
    data[JIMU[0]][JIMU[1]].update(jimu)
    if systems:
        data[SYSTEMS[0]][SYSTEMS[1]][SYSTEMS[2]] = [
            {"システムの名称": name, "システムの機能": function, "他のシステムとの接続": ["庁内連携システム"]}
            for name in systems]
    return data


def kaigo(name: str = "介護保険に関する事務", content: str = "被保険者の資格管理を行う。",
          people: str = "10万人以上30万人未満", **more) -> dict:
    """The 重点項目 介護保険 assessment: its 事務の名称, 事務の内容 and 対象人数 (a しきい値 item)."""
    return assessment("重点項目", **{"title": KAIGO_TITLE, **more},
                      **{"事務の名称": name, "事務の内容": content, "対象人数": people})


def kaigo_yaml(**edits) -> str:
    """The 介護保険 assessment with the two KAIGO_LEGACY rows, as YAML (EDITS: name, content, people)."""
    return dump(kaigo(legacy=KAIGO_LEGACY, **edits))


def filled(form: str = "重点項目", entries: int = 1, text: Callable[[int], str] = lambda n: f"記載{n}",
           nested: int | None = None) -> dict:
    """FORM with ENTRIES entries per repeat group (NESTED per group inside an entry, ENTRIES unless told)
    and every item a valid value: the first option of a choice or checkbox, 1, 2025-06-01, and text n
    (counted in form order, so every text is unique) for texts."""
    schema = load_form(form)
    inner = entries if nested is None else nested
    count = 0

    def value(node: Node, depth: int) -> object:
        nonlocal count
        if node.type == "section":
            return {child.key: value(child, depth) for child in node.children}
        if node.is_group:
            return [{child.key: value(child, depth + 1) for child in node.children}
                    for _ in range(entries if depth == 0 else inner)]
        if node.type == "text":
            count += 1
            return text(count)
        return {"choice": node.options[0] if node.options else None,
                "checkbox": list(node.options[:1]), "count": 1, "date": "2025-06-01"}.get(node.type)

    data = blank_document(schema, 0)
    for node in schema.nodes:
        data[node.key] = value(node, 0)
    return data


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:  # the loader refuses anchors and aliases
        return True


class _BlockDumper(_Dumper):
    """Multi-line texts as literal blocks (`|`), as staff write them."""


_BlockDumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


class _FastDumper(yaml.CSafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def dump(data: dict, *, block: bool = False, fast: bool = False) -> str:
    """DATA as YAML in the form's order, one line per plain value, never an alias; BLOCK writes
    multi-line texts as `|`; FAST uses libyaml's emitter (ten times faster, other line breaks in long
    texts, the same data)."""
    dumper = _BlockDumper if block else _FastDumper if fast else _Dumper
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10_000)


def loaded(data: dict, file: str = "x.yaml") -> Document:
    """DATA through the real loader and validator, as a file named FILE."""
    return load_text(dump(data), file)
