"""Tests for xinyong.core."""
