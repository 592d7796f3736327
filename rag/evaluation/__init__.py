"""Evaluation: question sets, metrics, per-question scoring, the runner and its reports."""
