"""Search: hybrid BM25 + dense retrieval over an Index, fusion and highlighting."""
