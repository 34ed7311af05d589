"""P005 malformed-arn: an ARN in `Resource`, `NotResource` or an `AWS` principal is malformed.

## What it does
Parses every `Resource`/`NotResource` value and every `AWS` value of `Principal`/
`NotPrincipal` as an ARN (`arn:partition:service:region:account:resource`) and reports:

- an unknown partition (`arn:aws-us:...`; valid are `aws`, `aws-cn`, `aws-us-gov`, ...);
- the wrong number of fields (`arn:aws:ecr:eu-west-1:111122223333` has no resource);
- an account ID that is not 12 digits (`11112222333`);
- a region where the service has none (`arn:aws:iam:us-east-1:...`), or a value that is no
  region code;
- upper case in `arn:` or in the service, whitespace, a value that is not an ARN at all
  (`my-bucket` as a `Resource`);
- a principal ARN that names no IAM or STS identity (`arn:aws:s3:::bucket` as principal).

Fine, and not reported: `*`, wildcards and policy variables inside ARNs
(`arn:aws:s3:::home/${aws:username}/*`), a bare 12-digit account ID as an `AWS` principal,
unique IDs (`AROA...`) that IAM shows in place of a deleted principal, and placeholders
(`<ACCOUNT_ID>`, `${AWS::AccountId}`, CloudFormation intrinsics). `Service` and `Federated`
principals are checked by T016 and T010.

## Why it matters
IAM rejects most of these (`MalformedPolicyDocument: Invalid principal in policy`,
`Resource ... must be in ARN format`); the others are accepted but match nothing, so the
grant or the deny silently does not apply. Seed 000's role ARN with the 11-digit account
`11112222333` is exactly this.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Action": "iam:PassRole",
                "Resource": "arn:aws:iam:us-east-1:11112222333:role/orders-task"}]}
```

## Fix
Write `arn:aws:iam::111122223333:role/orders-task`: the partition (`aws`), an empty region
for global services such as IAM, and the 12-digit account ID (`aws sts get-caller-identity`
prints it).

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
"""

import re
from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import Statement, statements
from iamlint.rules.registry import rule

# IAM unique IDs (role AROA, user AIDA, group AGPA...): shown for deleted principals
UNIQUE_ID = re.compile(r"^A[A-Z]{3}[A-Z0-9]{16,}$")


@rule(
    "P005",
    "malformed-arn",
    "error",
    "Malformed ARN in Resource/NotResource/Principal (partition, field count, 12-digit "
    "account, region where the service has none).",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    from iamlint.iam.arn import arn_problems

    for policy in model.policies:
        for statement in statements(policy):
            for value, path, context in _arn_values(statement):
                if context == "principal" and UNIQUE_ID.match(value.strip()):
                    continue
                problems = arn_problems(value, context)
                if problems:
                    pointer = statement.pointer_at(path)
                    yield finding("P005", pointer, _message(value, problems), resource=policy.label)


def _arn_values(statement: Statement) -> Iterator[tuple[str, tuple[Any, ...], str]]:
    """(value, path inside the statement, context) of every ARN-bearing string."""
    for key in ("Resource", "NotResource"):
        for value, path in statement.string_paths(key):
            yield value, path, "resource"
    for key in ("Principal", "NotPrincipal"):
        for value, path in statement.string_paths(key, "AWS"):
            yield value, path, "principal"


def _message(value: str, problems: list[str]) -> str:
    text = "; ".join(problems)
    shown = value.strip() or value
    return text if f"`{shown}`" in text else f"`{shown}`: {text}"
