"""X008 unknown-until-deploy: a value is not known until apply; dependent checks skipped.

## What it does
Reports values that only exist after deployment or are placeholders: Terraform
`after_unknown` attributes, CloudFormation intrinsics that cannot be resolved in the
template, documentation placeholders such as `<ACCOUNT_ID>` or `${AWS_ACCOUNT_ID}`.
Checks that need the value are skipped, never guessed.

## Why it matters
A linter that guesses about unknown values produces false errors; one that passes them
silently hides that a check did not run. This note makes the gap visible.

## Example
A ServiceAccount from documentation, with a placeholder for the account:
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::<ACCOUNT_ID>:role/app
```

## Fix
Nothing to fix when the value is genuinely computed at deploy time. Lint the rendered
output (`terraform show -json` of a plan after apply-time values are known, the rendered
Helm chart) to check it:
```sh
helm template app ./chart --values prod.yaml --output-dir rendered
iamlint check rendered/
```

## References
- https://developer.hashicorp.com/terraform/internals/json-format
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule


@rule(
    "X008",
    "unknown-until-deploy",
    "info",
    "Value unknown until apply or a placeholder; dependent checks skipped.",
    reads=(),  # other rules report X006/X008 notes too: always selected
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for item in model.unresolved:
        key = (item.pointer.file, item.message)
        if item.rule != "X008" or key in seen:
            continue
        seen.add(key)
        yield finding("X008", item.pointer, item.message, resource=item.resource)
