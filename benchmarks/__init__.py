"""Benchmarks and load test of the dashboard on the synthetic panel (see benchmarks/README.md)."""
