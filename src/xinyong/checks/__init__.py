"""Checks before granting (应查必查)."""
