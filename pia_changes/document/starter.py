"""An empty assessment of a form: every key present, every value empty — the starter staff fill in."""
from __future__ import annotations

from pia_changes.document.model import FORM_KEY, VERSION_KEY
from pia_changes.forms import Form, Node
from pia_changes.document.legacy import LEGACY_KEY


def _value(node: Node, entries: int) -> object:
    if node.type == "section":
        return {child.key: _value(child, entries) for child in node.children}
    if node.is_group:
        return [{c.key: _value(c, entries) for c in node.children} for _ in range(entries)]
    if node.type == "checkbox":
        return []
    return None


def blank_document(form: Form, entries: int = 1) -> dict:
    """The skeleton of FORM with ENTRIES empty entries per repeat group."""
    data: dict = {FORM_KEY: form.form, VERSION_KEY: f"{form.version} {form.yoshiki}".strip()}
    for node in form.nodes:
        data[node.key] = _value(node, entries)
    data[LEGACY_KEY] = []
    return data
