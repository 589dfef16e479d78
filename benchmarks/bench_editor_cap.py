"""Time the fuels section editor at the line cap (5,000 rows, ``domain/common.py`` MAX_LINES; issue 19 item 5).

The same measurement as ``bench_fuels_form.py`` (GET the page, POST a live preview, POST a save, in process on
a migrated SQLite database) with the list as long as any channel admits, plus the page's size: what a filer
at the cap waits for. Run: ``.venv/bin/python benchmarks/bench_editor_cap.py [--runs 3]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's portal, not the one the virtualenv installed
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import bench_fuels_form

    from portal.domain.common import MAX_LINES

    sys.argv = [sys.argv[0], "--rows", str(MAX_LINES), "--runs", str(args.runs)]
    bench_fuels_form.main()


if __name__ == "__main__":
    main()
