"""Benchmarks and load tests (``make bench``); not part of the test suite's timings."""
