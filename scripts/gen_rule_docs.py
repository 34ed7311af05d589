"""Write `docs/rules/<ID>.md` for every rule, and `docs/rules/README.md` (the index).

The rule module's docstring is the source; these pages are what SARIF `helpUri` links
to. `--check` exits 1 listing stale, missing or orphaned pages (a test runs it).

Usage: python scripts/gen_rule_docs.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"


def rule_page(rule) -> str:  # type: ignore[no-untyped-def]
    body = rule.doc.partition("\n")[2]  # the first line is the title, written above
    tags = ", ".join(sorted(rule.tags)) or "none"
    header = (
        f"# {rule.id} {rule.name}\n\n"
        f"| severity | family | tags |\n|---|---|---|\n"
        f"| {rule.severity.label} | {rule.family} | {tags} |\n\n"
        f"{rule.summary}\n"
    )
    return header + body.rstrip() + "\n"


def index_page(rules) -> str:  # type: ignore[no-untyped-def]
    from iamlint.rules.registry import FAMILIES

    lines = ["# iamlint rules\n", "Generated from the rule modules by scripts/gen_rule_docs.py.\n"]
    for family, title in FAMILIES.items():
        members = [r for r in rules if r.family == family]
        if not members:
            continue
        lines.append(f"\n## {family}: {title}\n\n")
        lines.append("| ID | severity | name | what |\n|---|---|---|---|\n")
        for rule in members:
            security = " (security)" if rule.security else ""
            summary = rule.summary.replace("|", "\\|")
            link = f"[{rule.id}]({rule.id}.md)"
            severity = rule.severity.label + security
            lines.append(f"| {link} | {severity} | {rule.name} | {summary} |\n")
    return "".join(lines)


def expected_pages() -> dict[str, str]:
    from iamlint.rules import load_all_rules

    rules = [r for r in load_all_rules().sorted() if r.module.startswith("iamlint.rules.")]
    pages = {f"{rule.id}.md": rule_page(rule) for rule in rules}
    pages["README.md"] = index_page(rules)
    return pages


def _current(path: Path) -> str | None:
    return path.read_text() if path.is_file() else None


def main() -> int:
    pages = expected_pages()
    existing = {p.name for p in DOCS.glob("*.md")} if DOCS.is_dir() else set()
    if "--check" in sys.argv:
        stale = [n for n, text in pages.items() if _current(DOCS / n) != text]
        orphans = sorted(existing - set(pages))
        for name in stale:
            print(f"stale or missing: docs/rules/{name}")
        for name in orphans:
            print(f"no rule for: docs/rules/{name}")
        if stale or orphans:
            print("run: python scripts/gen_rule_docs.py")
            return 1
        return 0
    DOCS.mkdir(parents=True, exist_ok=True)
    for name in existing - set(pages):
        (DOCS / name).unlink()
    for name, text in pages.items():
        (DOCS / name).write_text(text)
    print(f"wrote {len(pages)} pages to {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
