"""Time the accounting engine on a report of 500 fuel/process lines (target: under 50 ms).

Run: .venv/bin/python benchmarks/bench_calc.py
"""

from __future__ import annotations

import copy
import json
import statistics
import time
from pathlib import Path

from portal.calc import compute_ghg
from portal.domain.codec import document_from_json
from portal.reference import default_reference

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = json.loads((ROOT / "portal" / "demo_data" / "ghg-jx-cement-2024.json").read_text("utf-8"))


def build(lines: int) -> object:
    """Return the worked example grown to ``lines`` fuel and process lines (half each)."""
    data = copy.deepcopy(EXAMPLE)
    fuels = ["bituminous", "anthracite", "diesel", "natural_gas", "coke", "fuel_oil"]
    data["fuels"] = [{"source": f"{i}#炉", "fuel": fuels[i % len(fuels)], "consumption": 1000 + i,
                      "ncv": None if i % 3 else 22.5, "carbon_content": None, "oxidation_rate": None,
                      "sulfur_pct": 0.8} for i in range(lines // 2)]
    procs = ["clinker", "limestone", "dolomite", "scrap_in", "crude_steel_out"]
    data["processes"] = [{"source": f"{i}#线", "process": procs[i % len(procs)], "activity": 5000 + i,
                          "emission_factor": None, "cao_fraction": 0.65 if i % len(procs) == 0 else None,
                          "mgo_fraction": 0.02 if i % len(procs) == 0 else None, "purity": None}
                         for i in range(lines - lines // 2)]
    return document_from_json(json.dumps(data))


def main() -> None:
    ref = default_reference()
    document = build(500)
    compute_ghg(document, ref)  # warm caches
    runs = []
    for _ in range(30):
        start = time.perf_counter()
        compute_ghg(document, ref)
        runs.append(time.perf_counter() - start)
    print(f"compute_ghg, 500 lines: median {statistics.median(runs) * 1000:.2f} ms, "
          f"max {max(runs) * 1000:.2f} ms over {len(runs)} runs (target < 50 ms)")


if __name__ == "__main__":
    main()
