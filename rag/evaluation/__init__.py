"""Question sets, metrics, per-question scoring, the eval runner and its reports."""
