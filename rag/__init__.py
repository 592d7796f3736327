"""ThaiHealth RAG: Thai document question answering with citations.

The sub-packages are the stages, lowest first (ARCHITECTURE.md; the import-linter
layers contract in ``pyproject.toml`` enforces the order):

- :mod:`rag.config`, :mod:`rag.data`, :mod:`rag.errors`: configuration, records, errors;
- :mod:`rag.thai`: every piece of Thai handling;
- :mod:`rag.ingest`: files to pages and chunks in the manifest;
- :mod:`rag.index`: the stores (Chroma, BM25, embeddings) and the ``Index``;
- :mod:`rag.search`: hybrid retrieval;
- :mod:`rag.answer`: cited answers (extractive, or an LLM with verification);
- :mod:`rag.evaluation`: question sets, metrics and reports;
- :mod:`rag.web`: services behind the web app;
- :mod:`rag.cli`: the ``rag`` command.
"""
