"""Run iamlint over ../shared/corpus (or given paths) and summarise findings per rule.

Usage: python scripts/corpus_report.py [--rule ID,...] [--show N] [PATH ...]
A development aid for spotting false positives on real-world files nobody here wrote.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

from iamlint.api import analyse
from iamlint.config import Config

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", default=[str(DEFAULT)])
    parser.add_argument("--rule", default="", help="comma-separated rule IDs or families to show")
    parser.add_argument("--show", type=int, default=20, help="findings to print per rule")
    args = parser.parse_args()
    analysis = analyse(args.paths, Config())
    counts = collections.Counter(f.rule for f in analysis.findings)
    print(f"{analysis.files} files, {len(analysis.findings)} findings")
    for rule_id, count in sorted(counts.items()):
        print(f"  {rule_id}: {count}")
    wanted = [w.strip().upper() for w in args.rule.split(",") if w.strip()]
    for f in sorted(analysis.findings, key=lambda f: f.sort_key()):
        if wanted and not any(f.rule == w or f.rule.rstrip("0123456789") == w for w in wanted):
            continue
        if args.show <= 0:
            continue
        loc = f.location
        print(f"{loc.file}:{loc.line}:{loc.column}: {f.rule} {f.severity.label} {f.message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
