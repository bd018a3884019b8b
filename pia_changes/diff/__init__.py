"""Semantic diff of two assessments: Change values, identity-aligned groups, changed spans."""
