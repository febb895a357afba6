"""A realistic synthetic dataset at a chosen scale; see ``bench_data.seed.bulk``.

Kept import-free so ``scales`` and ``words`` load without Django being set up.
"""
