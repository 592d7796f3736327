"""Retrieval over an Index: hybrid BM25 + dense retrieval, fusion, highlighting."""
