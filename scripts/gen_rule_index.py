"""Write `iamlint/rules/_index.py`: every rule's module and the model collections it reads.

The pipeline imports only the rule modules whose collections are non-empty in a run's
model, so that `iamlint check one-file.json` does not pay for ~90 rule imports. Run this
after adding a rule or changing its `reads=`; `--check` exits 1 when the index is stale
(a test does that).

Usage: python scripts/gen_rule_index.py [--check]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

INDEX = Path(__file__).resolve().parents[1] / "iamlint" / "rules" / "_index.py"
HEADER = '''"""Rule ID -> (module, model collections it reads): by scripts/gen_rule_index.py.

Do not edit by hand: run `python scripts/gen_rule_index.py`.
"""

RULES: dict[str, tuple[str, tuple[str, ...]]] = {
'''


def render() -> str:
    from iamlint.rules import load_all_rules

    lines = [HEADER]
    for rule in sorted(load_all_rules().rules.values(), key=lambda r: r.id):
        reads = "".join(f"{json.dumps(name)}, " for name in rule.reads).rstrip()
        module = json.dumps(rule.module)
        lines.append(f"    {json.dumps(rule.id)}: ({module}, ({reads})),\n")
    lines.append("}\n")
    return "".join(lines)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = INDEX.read_text() if INDEX.exists() else ""
        if current != text:
            print(f"{INDEX} is stale: run python scripts/gen_rule_index.py")
            return 1
        return 0
    INDEX.write_text(text)
    print(f"wrote {INDEX}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
