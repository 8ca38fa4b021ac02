"""Write the per-notebook execution times of the last `make test` as a markdown table.

    python benchmarks/notebook_times.py   # reads _build/executed/durations.json

The table goes to book/performance/notebook_times_cpu.md, or notebook_times_gpu.md when the run was
on CUDA, and names the device and the profile."""
from __future__ import annotations

import json
import os
import platform
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    path = ROOT / "_build" / "executed" / "durations.json"
    if not path.exists():
        print(f"no {path}: run `make test` first")
        return
    times = json.loads(path.read_text())
    cuda = torch.cuda.is_available()
    profile = os.environ.get("ENCDEC_PROFILE") or ("full" if cuda else "fast")
    device = torch.cuda.get_device_name() if cuda else f"{cpu_name()}, {os.cpu_count()} cores"
    rows = "\n".join(f"| `{nb}` | {s:.1f} |" for nb, s in sorted(times.items()))
    text = (f"Profile `{profile}` on {device}; torch {torch.__version__}; two notebooks at a time under "
            f"`make test` (kernel start and every cell).\n\n| notebook | seconds |\n|---|---:|\n{rows}\n"
            f"| **total** | **{sum(times.values()):.1f}** |\n")
    out = ROOT / "book" / "performance" / f"notebook_times_{'gpu' if cuda else 'cpu'}.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
