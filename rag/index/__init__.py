"""The stores behind search: embedders, the embedding cache, Chroma vectors, Thai BM25, and the Index that keeps them consistent."""
