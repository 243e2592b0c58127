"""Benchmarks (``make bench``): each prints its figures and a ratio against a baseline
measured in the same run, never an absolute time judged in a unit test."""
