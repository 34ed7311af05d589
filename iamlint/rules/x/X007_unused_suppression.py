"""X007 unused-suppression: a suppression comment or baseline entry that suppresses nothing.

## What it does
Reports, at the comment, every `# iamlint: ignore[...]` that hid no finding of a rule it
names on its line or the next one, that names an unknown rule ID or a rule family (`I`;
inline suppressions take exact IDs), or that names no rule at all. Reports, at the entry
in the baseline file, every baseline entry that matched no finding of a file linted in
this run (or of a file that no longer exists).

These findings are produced by the suppression step (`iamlint/suppress.py`) after all
rules have run, not by this module's check, which yields nothing. An ID whose rule was
not selected for the run (`--select`/`--ignore`) is never reported as unused: that rule
did not get the chance to fire.

## Why it matters
A suppression that no longer matches anything is a hole waiting to be used: when the
problem comes back on that line, it is silently hidden. A misspelled ID (`I01`) never
suppressed anything in the first place. A stale baseline entry means the problem was
fixed, and the baseline can shrink.

## Example
```yaml
metadata:
  name: app  # iamlint: ignore[K003] nothing on this line or the next raises K003
  namespace: prod
```
`unused suppression: no K003 finding on this line or the next; remove 'K003' from the comment`

## Fix
Remove the comment (or the ID from it), correct the rule ID, or regenerate the baseline
with `iamlint check --write-baseline FILE`. A comment naming `X007` keeps an intentionally
unused suppression quiet; X007 itself cannot be baselined.

## References
- https://docs.astral.sh/ruff/rules/unused-noqa/
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext
from iamlint.rules.registry import rule


@rule(
    "X007",
    "unused-suppression",
    "warning",
    "Suppression comment or baseline entry that suppresses nothing (unused / unknown rule ID).",
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    """Nothing to do over the model: `iamlint.suppress` reports X007 after suppression."""
    yield from ()
