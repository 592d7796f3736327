"""Index: the stores behind search, kept consistent with the manifest.

Embedders, the embedding cache, Chroma vectors, Thai BM25, metadata filters and
the :class:`~rag.index.index.Index` that owns them.
"""
