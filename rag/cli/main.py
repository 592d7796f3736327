"""The ``rag`` command: ingest, backfill, extract, search, ask, eval, doctor, staff, keys.

Every command takes ``--index DIR`` (env ``RAG_INDEX_DIR``, default ``indexes/``)
and ``--config FILE`` (default ``rag.toml`` when present).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm import tqdm

from rag.cli.ask import add_ask_parser
from rag.cli.common import common_parser, config_from_args
from rag.cli.evaluate import add_eval_parser
from rag.cli.keys import add_keys_parser
from rag.cli.search import add_search_parser
from rag.cli.staff import add_staff_parser
from rag.cli.terminal import safe
from rag.errors import RagError
from rag.index.index import Index, SyncResult
from rag.ingest.files import IngestReport, discover, file_sha256
from rag.ingest.loaders import load
from rag.ingest.loaders.base import display_name


def print_report(report: IngestReport, sync: SyncResult) -> None:
    """One line per file, then the totals."""
    for f in report.files:
        detail = f"{f.docs} doc(s), {f.chunks} chunk(s)" if f.status in ("new", "changed") else ""
        extra = " — ".join(x for x in (detail, f.message, *f.warnings[:3]) if x)
        print(safe(f"{f.symbol} {f.status:<9} {f.path}" + (f" — {extra}" if extra else "")))
    c = report.counts
    print(
        "สรุป / summary: "
        + ", ".join(
            f"{k} {c.get(k, 0)}"
            for k in ("new", "changed", "unchanged", "duplicate", "renamed", "removed", "failed")
        )
        + f"; chunks +{sync.added} -{sync.removed}, embedded {sync.embedded}"
        + (f", pending {sync.pending}" if sync.pending else "")
    )


def _bar(desc: str, quiet: bool) -> tqdm:
    return tqdm(total=0, unit="chunk", desc=desc, file=sys.stderr, disable=quiet)


def _progress(bar: tqdm) -> Callable[[int, int], None]:
    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return update


def cmd_ingest(args: argparse.Namespace) -> int:
    """``rag ingest PATH…``: manifest and keyword index first, then the dense vectors."""
    cfg = config_from_args(args)
    paths = [Path(p) for p in args.paths]
    index = Index(cfg, rebuild=args.rebuild)
    started = time.perf_counter()
    try:
        with tqdm(
            total=len(discover(paths)),
            unit="file",
            desc="ingest",
            file=sys.stderr,
            disable=args.quiet,
        ) as files:
            report, sync = index.ingest(
                paths, prune=args.prune, on_file=lambda _: files.update(), dense=False
            )
        keyword_s = time.perf_counter() - started
        filled = None
        if not args.keyword_only:
            with _bar("embed", args.quiet) as bar:
                filled = index.backfill(_progress(bar))
            sync = dataclasses.replace(sync, embedded=filled.embedded, pending=filled.left)
    finally:
        index.close()
    print_report(report, sync)
    print(f"keyword search available after {keyword_s:.1f} s / ค้นด้วยคำได้หลัง {keyword_s:.1f} วินาที")
    if filled is None:
        print(f"{sync.pending} chunk(s) wait for vectors; run `rag backfill` / รอฝังเวกเตอร์")
    else:
        dense_s = time.perf_counter() - started
        print(f"dense indexing finished after {dense_s:.1f} s ({filled.stored} vectors stored)")
    return 1 if report.failed else 0


def cmd_backfill(args: argparse.Namespace) -> int:
    """``rag backfill``: embed and store the vectors of chunks still pending."""
    index = Index(config_from_args(args))
    try:
        with _bar("embed", args.quiet) as bar:
            filled = index.backfill(_progress(bar), limit=args.limit)
    finally:
        index.close()
    print(
        f"vectors stored {filled.stored}, embedded {filled.embedded}, "
        f"still pending {filled.left}, {filled.seconds:.1f} s"
    )
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    """``rag extract FILE [--json]``: the exact text that would be indexed."""
    cfg = config_from_args(args)
    path = Path(args.file)
    docs = load(path, file_sha256(path), cfg)
    if args.json:
        pages = [
            {"doc_id": d.meta.doc_id, "page": p.number, "text": p.text}
            for d in docs
            for p in d.pages
        ]
        if len(docs) == 1:
            pages = [{"page": p["page"], "text": p["text"]} for p in pages]
        print(json.dumps(pages, ensure_ascii=False, indent=1))
        return 0
    for doc in docs:
        if len(docs) > 1:
            print(safe(f"=== {doc.meta.doc_id}: {doc.meta.title} ==="))
        for page in doc.pages:
            print(f"--- page {page.number} ---")
            print(safe(page.text))
        for warning in doc.warnings:
            print(safe(f"⚠️ {warning}"), file=sys.stderr)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """``rag doctor``: check that the manifest, Chroma and BM25 agree."""
    index = Index(config_from_args(args))
    try:
        problems = index.doctor()
        docs = index.manifest.documents()
        print(
            f"documents {len(docs)}, chunks {len(index.manifest.chunk_ids())}, "
            f"chroma {index.vectors.count()}, bm25 {len(index.bm25)}, "
            f"pending {len(index.pending())}, embedder {index.embedder_id}"
        )
    finally:
        index.close()
    for problem in problems:
        print(f"❌ {problem}")
    print(
        "✅ consistent / ดัชนีสอดคล้องกัน"
        if not problems
        else "run `rag ingest <docs>` to repair / สั่ง rag ingest อีกครั้งเพื่อซ่อม"
    )
    return 1 if problems else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    common = common_parser()
    parser = argparse.ArgumentParser(
        prog="rag", description="Thai document QA with citations (สสส.)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "ingest", parents=[common], help="add/update documents (recursive, incremental)"
    )
    p.add_argument("paths", nargs="+", help="files or folders")
    p.add_argument("--prune", action="store_true", help="remove documents whose files are gone")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="rebuild the search stores (e.g. after changing the embedder)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.add_argument(
        "--keyword-only",
        "--no-dense",
        dest="keyword_only",
        action="store_true",
        help="index for keyword search only; vectors later with `rag backfill`",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("backfill", parents=[common], help="embed chunks still waiting for vectors")
    p.add_argument("--limit", type=int, default=None, help="most chunks to embed now")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_backfill)

    add_search_parser(sub, common)
    add_ask_parser(sub, common)
    add_eval_parser(sub, common)
    add_staff_parser(sub, common)
    add_keys_parser(sub, common)
    p = sub.add_parser("doctor", parents=[common], help="check index consistency")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("extract", parents=[common], help="print the text that would be indexed")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help='a JSON list of {"page", "text"}')
    p.set_defaults(func=cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rag`` console script."""
    args = build_parser().parse_args(argv)
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # some libraries set DEBUG on their own loggers
        handler.setLevel(level)
    try:
        return int(args.func(args))
    except RagError as exc:
        print(safe(f"❌ {exc}"), file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"❌ {display_name(str(exc.filename))}: no such file / ไม่พบไฟล์", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
