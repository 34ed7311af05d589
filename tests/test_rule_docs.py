"""Rule documentation: `docs/rules/*.md` is generated from the rule docstrings and current,
every docstring has an example and a reference, and the registry agrees with
the rule catalogue in ../shared/spec/rules.md.

When a rule docstring or its metadata changes, `python scripts/gen_rule_docs.py` must be
run again (and its output committed), or `test_docs_are_current` fails.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from iamlint.rules import load_rules
from iamlint.rules.registry import Rule

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "gen_rule_docs.py"
SECTIONS = ("## What it does", "## Why it matters", "## Example", "## Fix", "## References")
CONTRACT_ROW = re.compile(r"^\|\s*([A-Z]\d{3})\s*\|([^|]*)\|(.*)\|\s*$")


def builtin_rules() -> list[Rule]:
    return [r for r in load_rules().sorted() if r.module.startswith("iamlint.rules.")]


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_are_current() -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, cwd=REPO
    )
    assert run.returncode == 0, (
        "docs/rules/ does not match the rule docstrings; run `python scripts/gen_rule_docs.py` "
        "and commit the result:\n" + run.stdout + run.stderr
    )


def test_generator_writes_one_page_per_rule_and_is_repeatable(
    generator: ModuleType, tmp_path: Path
) -> None:
    assert generator.main(["--out", str(tmp_path)]) == 0
    rules = builtin_rules()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{r.id}.md" for r in rules] + ["README.md"]
    )
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert generator.write(tmp_path, generator.expected_pages()) == 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first

    index = (tmp_path / "README.md").read_text(encoding="utf-8")
    for rule in rules:
        assert f"| [{rule.id}]({rule.id}.md) | {rule.severity.label}" in index
    page = (tmp_path / f"{rules[0].id}.md").read_text(encoding="utf-8")
    assert page.splitlines()[1] == f"# {rules[0].id} {rules[0].name}"
    assert "## Example" in page and "## References" in page


def test_check_lists_stale_missing_and_orphaned_pages(
    generator: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generator.main(["--out", str(tmp_path)])
    capsys.readouterr()
    first, second = builtin_rules()[:2]
    (tmp_path / f"{first.id}.md").write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / f"{second.id}.md").unlink()
    (tmp_path / "Z999.md").write_text("a retired rule\n", encoding="utf-8")

    assert generator.main(["--check", "--out", str(tmp_path)]) == 1
    output = capsys.readouterr().out
    assert f"stale: {tmp_path / first.id}.md" in output
    assert f"missing: {tmp_path / second.id}.md" in output
    assert f"no rule for: {tmp_path / 'Z999.md'}" in output
    assert "run python scripts/gen_rule_docs.py" in output

    generator.main(["--out", str(tmp_path)])
    assert generator.main(["--check", "--out", str(tmp_path)]) == 0
    assert not (tmp_path / "Z999.md").exists()


def _section(doc: str, heading: str) -> str:
    after = doc.split(heading + "\n", 1)[1] if heading + "\n" in doc else ""
    return re.split(r"^## ", after, maxsplit=1, flags=re.MULTILINE)[0]


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda r: r.id)
def test_doc_has_sections_example_and_reference(rule: Rule) -> None:
    # Every example shows the failing input (or output) in a fenced block; references are
    # links users can open (not the spec beside the repository).
    problems = [f"no `{heading}` section" for heading in SECTIONS if heading + "\n" not in rule.doc]
    example = _section(rule.doc, "## Example")
    if len(example.strip()) < 20:
        problems.append("the Example section is empty")
    if not re.search(r"^```[a-z]*\n.+?^```$", example, re.MULTILINE | re.DOTALL):
        problems.append("the Example section has no fenced block")
    references = _section(rule.doc, "## References")
    if "https://" not in references:
        problems.append("References has no https:// link")
    if "../shared/" in rule.doc:
        problems.append("links to ../shared, which users of the package do not have")
    assert not problems, f"{rule.module} docstring: " + "; ".join(problems)


def _contract(shared_dir: Path) -> dict[str, tuple[str, str]]:
    """ID -> (severity column, description column) from the catalogue's tables."""
    rows = {}
    for line in (shared_dir / "spec" / "rules.md").read_text(encoding="utf-8").splitlines():
        match = CONTRACT_ROW.match(line)
        if match:
            rows[match.group(1)] = (match.group(2).strip(), match.group(3))
    return rows


def test_severities_match_the_catalogue(shared_dir: Path) -> None:
    contract = _contract(shared_dir)
    registry = load_rules()
    assert len(contract) > 50, "could not read the tables of ../shared/spec/rules.md"
    absent = sorted(set(contract) - set(registry.rules))
    assert not absent, f"rules in the catalogue that are not registered: {absent}"
    mismatched = [
        f"{rule_id}: catalogue {column.split()[0]}, registry {registry.rules[rule_id].severity.label}"
        for rule_id, (column, _) in sorted(contract.items())
        if column.split()[0] != registry.rules[rule_id].severity.label
    ]
    assert not mismatched, mismatched


def test_security_tags_match_the_catalogue(shared_dir: Path) -> None:
    """**sec** in the severity column means tagged `security`; a rule tagged `security`
    has **sec** in its row (T008 is an error whose broad-wildcard case is a sec warning)."""
    registry = load_rules()
    wrong = []
    for rule_id, (severity, what) in sorted(_contract(shared_dir).items()):
        rule = registry.get(rule_id)
        if rule is None:
            continue  # reported by test_severities_match_the_catalogue
        tagged = rule.security
        if "**sec**" in severity and not tagged:
            wrong.append(f"{rule_id}: catalogue says **sec**, rule has no `security` tag")
        if tagged and "**sec**" not in severity + what:
            wrong.append(f"{rule_id}: tagged `security`, catalogue row has no **sec**")
    assert not wrong, wrong


# Rules iamlint has beyond the catalogue, with their severity (documented in docs/rules/).
BEYOND_THE_CATALOGUE = {"X009": "warning"}


def test_rules_beyond_the_catalogue_are_listed(shared_dir: Path) -> None:
    contract = _contract(shared_dir)
    extra = {r.id: r.severity.label for r in builtin_rules() if r.id not in contract}
    assert extra == BEYOND_THE_CATALOGUE
