"""Helpers shared by the ``rag`` sub-commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from rag.config import Config, load_config
from rag.errors import ConfigError


def config_from_args(args: argparse.Namespace) -> Config:
    """The configuration, with ``--index`` applied over file and environment."""
    cfg = load_config(args.config)
    if args.index is not None:
        cfg = cfg.with_(index_dir=args.index)
    return cfg


def parse_filters(items: list[str] | None) -> dict[str, str | int | list[str | int]] | None:
    """``["year=2024", "file_type=pdf", "file_type=docx"]`` → a metadata filter.

    >>> parse_filters(["year=2024", "file_type=pdf", "file_type=docx"])
    {'year': 2024, 'file_type': ['pdf', 'docx']}
    """
    if not items:
        return None
    where: dict[str, str | int | list[str | int]] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key or not raw:
            raise ConfigError(
                item, "ตัวกรองต้องอยู่ในรูป key=value", "a filter must look like key=value"
            )
        value: str | int = int(raw) if key == "year" and raw.isdigit() else raw
        if key in where:
            old = where[key]
            where[key] = [*old, value] if isinstance(old, list) else [old, value]
        else:
            where[key] = value
    return where


def common_parser() -> argparse.ArgumentParser:
    """Options every command takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--index",
        type=Path,
        default=None,
        help="index folder (env RAG_INDEX_DIR, default indexes/)",
    )
    common.add_argument("--config", type=Path, default=None, help="TOML config (default rag.toml)")
    common.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    return common


def add_filter_argument(parser: argparse.ArgumentParser) -> None:
    """The repeatable ``--filter KEY=VALUE`` option (see :func:`parse_filters`)."""
    parser.add_argument(
        "--filter",
        action="append",
        metavar="KEY=VALUE",
        help="doc_id, file_type, year or collection; repeat for more",
    )
