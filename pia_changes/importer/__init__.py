"""Importer: published 評価書 text → assessment YAML."""
