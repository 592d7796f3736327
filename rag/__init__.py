"""Thai document question answering with citations for ThaiHealth (สสส.) knowledge.

The package is a set of small stage modules:

- :mod:`rag.thai` — every piece of Thai handling (normalisation, PDF glyph repair,
  segmentation, tokens for search);
- :mod:`rag.ingest.loaders` — files to :class:`rag.data.Page` objects;
- :mod:`rag.ingest.chunking` — pages to :class:`rag.data.Chunk` objects;
- :mod:`rag.ingest.manifest` — the persisted document and chunk store;
- :mod:`rag.ingest.files` — incremental ingestion that ties them together;
- :mod:`rag.cli.main` — the ``rag`` command.

Importing the package has no side effects and loads no model.
"""

__version__ = "0.1.0"
