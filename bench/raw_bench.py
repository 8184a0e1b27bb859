"""Raw bytes: bytes per stored page with each compression we considered (issue 11).

    python bench/raw_bench.py [--pages 2000] [--train 200]

Generates the HTML pages of bench/ingest_bench.py (80-150 KB each, every item seen ~10 times)
and compresses each page alone, as the archive stores it (one row per distinct body): zlib at
levels 6 and 9 (the baseline: what crawl_responses used), zstandard at levels 3 and 19 without a
dictionary, and zstandard with a dictionary trained on the first `--train` pages (the pages
measured are the others). Prints bytes/page, the ratio to zlib-6, and MB/s to compress and
decompress.
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]

import zstandard  # noqa: E402
from ingest_bench import documents  # noqa: E402


def measure(name: str, pages: list[bytes], compress, decompress, baseline: float | None) -> float:
    start = time.perf_counter()
    blobs = [compress(page) for page in pages]
    packed = time.perf_counter() - start
    start = time.perf_counter()
    for blob, page in zip(blobs, pages):
        assert decompress(blob) == page
    unpacked = time.perf_counter() - start
    raw = sum(map(len, pages))
    per_page = sum(map(len, blobs)) / len(pages)
    ratio = f"{per_page / baseline:5.2f}x zlib-6" if baseline else "baseline"
    print(f"{name:<26} {per_page:9,.0f} B/page ({raw / len(pages) / per_page:5.1f}:1) {ratio} | "
          f"compress {raw / packed / 2**20:6.1f} MB/s, decompress {raw / unpacked / 2**20:7.1f} MB/s")
    return per_page


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--pages", type=int, default=2000)
    options.add_argument("--train", type=int, default=200)
    options.add_argument("--dict-size", type=int, default=112 * 1024)
    args = options.parse_args()
    everything = [data for data, _ in documents(args.pages + args.train, "html")]
    sample, pages = everything[: args.train], everything[args.train :]
    print(f"{len(pages):,} generated HTML pages, {sum(map(len, pages)) / len(pages):,.0f} B/page "
          f"uncompressed; dictionary trained on {len(sample)} others")
    base = measure("zlib level 6", pages, lambda d: zlib.compress(d, 6), zlib.decompress, None)
    measure("zlib level 9", pages, lambda d: zlib.compress(d, 9), zlib.decompress, base)
    for level in (3, 19):
        c, d = zstandard.ZstdCompressor(level=level), zstandard.ZstdDecompressor()
        measure(f"zstd level {level}", pages, c.compress, d.decompress, base)
    start = time.perf_counter()
    dictionary = zstandard.train_dictionary(args.dict_size, sample)
    print(f"(dictionary of {len(dictionary.as_bytes()):,} B trained in "
          f"{time.perf_counter() - start:.1f} s)")
    for level in (3, 9, 19):
        c = zstandard.ZstdCompressor(level=level, dict_data=dictionary)
        d = zstandard.ZstdDecompressor(dict_data=dictionary)
        measure(f"zstd level {level} + dictionary", pages, c.compress, d.decompress, base)


if __name__ == "__main__":
    main()
