"""Time the fuels section editor at the line cap (5,000 rows, ``domain/common.py`` MAX_LINES; issue 19 item 5).

The same measurement as ``bench_fuels_form.py`` (GET the page, POST a live preview, POST a save, in process on
a migrated SQLite database) with the list as long as any channel admits, plus the page's size: what a filer
at the cap waits for. The table is drawn a page at a time (``drafts.PAGE_ROWS``); timed are page 1 and a
later page (``--page``, default 30: rows 2,901–3,000), whose save is merged into the saved list.
Run: ``.venv/bin/python benchmarks/bench_editor_cap.py [--runs 3] [--page 30]``.
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
    parser.add_argument("--page", type=int, default=30)
    args = parser.parse_args()

    import bench_fuels_form

    from portal.domain.common import MAX_LINES

    for page in sorted({1, args.page}):
        sys.argv = [sys.argv[0], "--rows", str(MAX_LINES), "--runs", str(args.runs), "--page", str(page)]
        bench_fuels_form.main()


if __name__ == "__main__":
    main()
