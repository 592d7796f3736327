"""The ``rag`` command line."""
