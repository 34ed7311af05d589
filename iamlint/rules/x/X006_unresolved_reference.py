"""X006 unresolved-reference: a check was skipped because the other side is not in the inputs.

## What it does
When a cross-file check needs an object the scanned inputs do not contain (the role a
ServiceAccount names, the OIDC provider a trust policy names, a repository policy, a
cluster's issuer), iamlint reports this note once per missing object instead of guessing.

## Why it matters
"Skipped" is not "passed". This note tells you which checks did not run, so that you can
add the missing files (or `clusters:` facts in the config, or use `--aws`).

## Example
A ServiceAccount names a role that no scanned file defines:
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
```

## Fix
Scan the file that defines the object too, declare the fact in the config, or run with
`--aws` to fetch it from the live account. Ignore the note with `--ignore X006` if the
other side is managed elsewhere on purpose:
```sh
aws iam get-role --role-name app > iam/app-role.json
iamlint check k8s/ iam/
# or, resolved from the account (read-only):
iamlint check k8s/ --aws
```

## References
- https://docs.aws.amazon.com/cli/latest/reference/iam/get-role.html
- https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html
- https://docs.aws.amazon.com/cli/latest/reference/iam/list-open-id-connect-providers.html
- https://docs.aws.amazon.com/cli/latest/reference/ecr/get-repository-policy.html
- https://docs.aws.amazon.com/cli/latest/reference/eks/describe-cluster.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule


@rule(
    "X006",
    "unresolved-reference",
    "info",
    "A reference could not be resolved in the scanned inputs; the dependent check was skipped.",
    reads=(),  # other rules report X006/X008 notes too: always selected
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[str] = set()
    for item in model.unresolved:
        if item.rule != "X006" or item.message in seen:
            continue
        seen.add(item.message)
        yield finding("X006", item.pointer, item.message, resource=item.resource)
