"""The ``rag`` command: ingest, extract, and (as they land) search, ask, eval, doctor.

Every command takes ``--index DIR`` (env ``RAG_INDEX_DIR``, default ``indexes/``)
and ``--config FILE`` (default ``rag.toml`` when present).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from rag.config import Config, load_config
from rag.errors import RagError
from rag.ingest import IngestReport, discover, file_sha256, ingest
from rag.loaders import display_name, load
from rag.manifest import Manifest


def _config(args: argparse.Namespace) -> Config:
    cfg = load_config(args.config)
    if args.index is not None:
        cfg = cfg.with_(index_dir=args.index)
    return cfg


def _token_counter(cfg: Config):  # type: ignore[no-untyped-def]
    from rag.embed import count_tokens, make_embedder

    return count_tokens(make_embedder(cfg))


def print_report(report: IngestReport) -> None:
    """One line per file, then the totals."""
    for f in report.files:
        detail = f"{f.docs} doc(s), {f.chunks} chunk(s)" if f.status in ("new", "changed") else ""
        extra = " — ".join(x for x in (detail, f.message, *f.warnings[:3]) if x)
        print(f"{f.symbol} {f.status:<9} {f.path}" + (f" — {extra}" if extra else ""))
    c = report.counts
    print("สรุป / summary: " + ", ".join(
        f"{k} {c.get(k, 0)}" for k in ("new", "changed", "unchanged", "duplicate", "renamed",
                                       "removed", "failed")))


def cmd_ingest(args: argparse.Namespace) -> int:
    """``rag ingest PATH…``."""
    cfg = _config(args)
    paths = [Path(p) for p in args.paths]
    counter = _token_counter(cfg)
    manifest = Manifest(cfg.index_dir)
    try:
        with tqdm(total=len(discover(paths)), unit="file", desc="ingest", file=sys.stderr,
                  disable=args.quiet) as bar:
            report = ingest(paths, cfg, manifest, counter, remove_missing=args.prune,
                            on_file=lambda _: bar.update())
    finally:
        manifest.close()
    print_report(report)
    return 1 if report.failed else 0


def cmd_extract(args: argparse.Namespace) -> int:
    """``rag extract FILE [--json]``: the exact text that would be indexed."""
    cfg = _config(args)
    path = Path(args.file)
    docs = load(path, file_sha256(path), cfg)
    if args.json:
        pages = [{"doc_id": d.meta.doc_id, "page": p.number, "text": p.text}
                 for d in docs for p in d.pages]
        if len(docs) == 1:
            pages = [{"page": p["page"], "text": p["text"]} for p in pages]
        print(json.dumps(pages, ensure_ascii=False, indent=1))
        return 0
    for doc in docs:
        if len(docs) > 1:
            print(f"=== {doc.meta.doc_id}: {doc.meta.title} ===")
        for page in doc.pages:
            print(f"--- page {page.number} ---")
            print(page.text)
        for warning in doc.warnings:
            print(f"⚠️ {warning}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index", type=Path, default=None,
                        help="index folder (env RAG_INDEX_DIR, default indexes/)")
    common.add_argument("--config", type=Path, default=None, help="TOML config (default rag.toml)")
    common.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    parser = argparse.ArgumentParser(prog="rag", description="Thai document QA with citations (สสส.)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="add/update documents (recursive, incremental)")
    p.add_argument("paths", nargs="+", help="files or folders")
    p.add_argument("--prune", action="store_true", help="remove documents whose files are gone")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("extract", parents=[common], help="print the text that would be indexed")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help='a JSON list of {"page", "text"}')
    p.set_defaults(func=cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rag`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except RagError as exc:
        print(f"❌ {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"❌ {display_name(str(exc.filename))}: no such file / ไม่พบไฟล์", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
