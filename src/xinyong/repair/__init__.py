"""Objections and credit repair (异议与信用修复)."""
