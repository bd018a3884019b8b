"""Published 評価書 → git history: undo of published rows, reconstruct, init and the example."""
