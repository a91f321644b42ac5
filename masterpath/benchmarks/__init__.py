"""Benchmarks run as ordinary commands (`masterpath bench ...`); they print numbers."""
