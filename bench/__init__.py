"""Benchmarks: scripts that print numbers (docs/benchmarks.md says how to run each)."""
