"""Append-only, hash-chained audit trail of every state change and every look at
non-public data. See docs/audit.md."""
