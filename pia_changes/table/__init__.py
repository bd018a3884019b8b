"""History → the 変更箇所 table: rows, timing, findings, caches, log and blame."""
