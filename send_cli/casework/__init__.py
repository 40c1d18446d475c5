"""Casework: the operations, one module per noun. Keyword-only, each takes a
session and `now`, writes the audit trail and never prints."""
