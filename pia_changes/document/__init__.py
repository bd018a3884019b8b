"""The assessment file: YAML with line numbers → Document, validation, legacy rows, starters."""
