"""X004 rule-crashed: a rule raised an exception on this input.

## What it does
When a rule fails with an unexpected exception, the failure is caught and reported as
this finding, naming the rule and the exception type. Every other rule still runs and
every other finding is still reported.

## Why it matters
A linter in CI must never lose results because one check has a bug; and a crash must
be visible rather than a silent pass.

## Example
A rule that fails on an unusual input is reported in place of its results (one line,
wrapped here):
```text
<iamlint>: X004 error rule P004 (unknown-action) crashed: TypeError at
P004_unknown_action.py:42; other rules ran; please report this
```

## Fix
This is a bug in iamlint: please report it with the input that triggers it. Meanwhile
`--ignore` the crashing rule if it blocks you:
```sh
iamlint check --ignore P004 .
```

## References
- https://github.com/iamlint/iamlint/issues
"""

from iamlint.rules.registry import declare

declare(
    "X004",
    "rule-crashed",
    "error",
    "A rule crashed on this input; the run continued.",
    doc=__doc__ or "",
    module=__name__,
)
