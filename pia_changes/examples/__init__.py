"""Published 評価書 texts shipped for `pia-changes init DIR --example` (pia_changes.rebuild.example).

jyuki.txt: seed 000 (長野市 住民基本台帳に関する事務 全項目評価書); kaigo.txt: seed 004 (川口市 介護保険に関する事務
重点項目評価書) — the project's copies in tests/data/, byte for byte.
"""
