"""Reading a publisher's 提出時期に係る説明 (domain.md: How to read a published row's label)."""
from __future__ import annotations
from pia_changes.text.normalise import nfkc


NEGATIONS = ("当たらない", "あたらない", "該当しない", "義務付けられない", "義務づけられない", "義務付けられていない")


def publisher_important(reason: str | None) -> bool | None:
    """True: says 重要な変更 without a negation; False: negates it or says no duty to submit
    beforehand; None: ambiguous (「補記」, 「法改正による」, a bare 事前 …)."""
    text = nfkc(reason or "")
    if any(n in text for n in NEGATIONS):
        return False
    if "重要な変更" in text:
        return True
    return None
