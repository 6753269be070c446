"""Benchmarks: `make bench` (or `python -m bench [NAME ...]`) prints figures beside same-run baselines."""
