"""`make run`, kept out of shared/: the one place that knows every service (python -m devrun)."""
