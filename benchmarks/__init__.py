"""Benchmarks of quotebot at scale: figures printed and written to benchmarks/RESULTS.md, never asserted."""
