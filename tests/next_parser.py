"""`python tests/next_parser.py ARGS...`: `newsarchive ARGS...` with the next parser version of
the reparse tests (reparse_corpus.use_next_parser), for reparse runs in processes of their own."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reparse_corpus import use_next_parser  # noqa: E402

from newsarchive.cli import cli  # noqa: E402

if __name__ == "__main__":
    use_next_parser()
    cli()
