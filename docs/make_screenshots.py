"""Make the README's screenshots (docs/report.png, docs/datasette.png) from the generated
archive of the tests (tests/report_archive.py), with Debian's headless Chromium.

    python docs/make_screenshots.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from datasette_server import datasette_server  # noqa: E402
from report_archive import build_report_archive  # noqa: E402

from newsarchive.store.archive import open_archive  # noqa: E402

NEWSARCHIVE = str(Path(sys.executable).with_name("newsarchive"))


def shoot(url: str, out: Path, size: str, profile: Path) -> None:
    subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={size}",
                    f"--screenshot={out}", url], check=True, capture_output=True, timeout=120)
    image = Image.open(out).convert("RGB")
    image.quantize(colors=64).save(out, optimize=True)  # small enough to commit


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        db = folder / "news.db"
        with open_archive(str(db)) as archive:
            build_report_archive(archive)
        report = folder / "report.html"
        subprocess.run([NEWSARCHIVE, "report", "--db", str(db), "--out", str(report),
                        "--since", "2026-03-15T12:00", "--until", "2026-03-17T02:00"],
                       check=True, capture_output=True)
        shoot(report.as_uri(), HERE / "report.png", "412,1900", folder / "profile")
        with datasette_server(db) as base:
            shoot(f"{base}/news/items_view?_size=4",
                  HERE / "datasette.png", "1100,1700", folder / "profile")
    for name in ("report.png", "datasette.png"):
        print(f"{HERE / name}: {(HERE / name).stat().st_size / 1000:.0f} kB")


if __name__ == "__main__":
    main()
