"""Benchmark scripts (not tests): `make bench` runs them and prints figures and ratios."""
