"""Times the synthetic generator and measures its peak memory, one child process per scale.

    uv run python bench/generate_bench.py                 # demo and county
    uv run python bench/generate_bench.py demo county city

Each scale runs in its own process so that its peak RSS (``wait4``'s ``ru_maxrss``) is its own;
generation streams, so the peak should stay flat from county to city and province.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys
from pathlib import Path
from fazhi.synth.services import Options, generate
s = generate(Options(sys.argv[1], 42, Path(sys.argv[2])))
print(json.dumps({"records": s.records, "findings": s.findings, "seconds": s.seconds}))
"""


def run(scale: str, out_dir: Path) -> dict[str, float]:
    out = out_dir / f"{scale}.jsonl.gz"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, scale, str(out)], stdout=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    assert proc.stdout is not None
    if status != 0:
        raise SystemExit(f"{scale}: generator failed with status {status}")
    result = json.loads(proc.stdout.read())
    return {
        **result,
        "wall": wall,
        "rss_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
        "gz_mb": out.stat().st_size / 2**20,
    }


def main() -> None:
    scales = sys.argv[1:] or ["demo", "county"]
    print(f"{'scale':<9}{'records':>11}{'findings':>10}{'seconds':>9}{'records/s':>11}"
          f"{'peak RSS MB':>13}{'gz MB':>8}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            r = run(scale, Path(tmp))
            print(
                f"{scale:<9}{r['records']:>11,}{r['findings']:>10,}{r['seconds']:>9.1f}"
                f"{r['records'] / r['seconds']:>11,.0f}{r['rss_mb']:>13.0f}{r['gz_mb']:>8.1f}"
            )


if __name__ == "__main__":
    main()
