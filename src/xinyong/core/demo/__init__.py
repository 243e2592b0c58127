"""Synthetic demo data (演示数据) for a local platform: ``xinyong demo``.

``plan`` builds the data as a pure, deterministic function of the seed, the number of
subjects and the platform division; ``load`` writes it through the core actions in one
transaction, once. See docs/demo.md.
"""
