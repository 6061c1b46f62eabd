"""``python -m ingest``: build the index, or refresh it when the knowledge base changed."""
from __future__ import annotations

import argparse
import sys

from config import SETTINGS

from .index import IndexBuildError, build_index, load_index


def main(argv: list[str] | None = None) -> int:
    """Load the index (rebuilding it when stale, or always with ``--force``) and print one line per document
    (its layout and units, then any warning) and a manifest summary. Returns the exit status: 0 when every
    file of the knowledge base was indexed; 1 after an IndexBuildError (nothing indexed) or when some files
    were skipped (each named with its reason on stderr; the others are indexed and served)."""
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("--force", action="store_true", help="rebuild even if the index is fresh")
    args = parser.parse_args(argv)
    try:
        if args.force:
            build_index(SETTINGS)
        index = load_index(SETTINGS)
    except IndexBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    m = index.manifest
    print(f"index: {index.path}")
    for doc in index.documents:
        n = sum(u.doc_id == doc.doc_id for u in index.units)
        print(f"  《{doc.short_title}》 {doc.source_file} [{doc.layout}]: {n} units "
              f"(doc_id {doc.doc_id}, sha256 {doc.source_sha256[:12]})")
        for warning in doc.warnings:
            print(f"    warning: {warning}")
    print(f"  {m['units']} units, {m['passages']} passages, model {m['model_id']}, "
          f"faiss {m['faiss']}, chunker {m['chunker']}, built {m['created']} in {m['build_seconds']} s")
    skipped = m.get("skipped", [])
    for skip in skipped:
        print(f"skipped: {skip['reason']}", file=sys.stderr)
    if skipped:
        print(f"error: {len(skipped)} file(s) of the knowledge base were not indexed (see above); "
              f"{len(index.documents)} document(s) were", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
