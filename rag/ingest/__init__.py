"""Ingest: files to repaired Thai pages and chunks in the manifest.

Loaders, running-header clean-up, chunking on Thai sentences, the SQLite manifest
(the source of truth) and the incremental file ingest.
"""
