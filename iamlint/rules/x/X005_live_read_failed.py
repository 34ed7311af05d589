"""X005 live-read-failed: a live AWS read failed or was denied.

## What it does
Reports a read-only AWS API call made by `iamlint scan --aws`, `snapshot --aws` or
`check --aws` that was denied (AccessDenied, UnauthorizedOperation) or still failed after
the retries (throttling, timeouts, server errors). The message names the API call, the IAM
permission it needs and the object it was reading; the finding's file is the ARN (or
`aws://ACCOUNT/REGION/SERVICE`) of that object. The scan goes on without it, and the
summary says the result is incomplete (`"incomplete": true` in the JSON summary). A
snapshot keeps these failures in `iamlint-live-read.json`, so `iamlint check DIR` reports
them again (located in that file). Missing, expired or rejected credentials are not X005:
nothing could be read, so iamlint stops with exit code 2.

## Why it matters
What could not be read is missing from the model: a node role whose policies were not
read cannot be checked for ECR pull, a repository whose policy was denied cannot be
checked for public access. Results that depend on it are incomplete.

## Example
The scanning role may not read repository policies (one line, wrapped here):
```text
arn:aws:ecr:eu-west-1:111122223333:repository/app: X005 warning ecr:GetRepositoryPolicy
denied (AccessDeniedException) reading arn:aws:ecr:eu-west-1:111122223333:repository/app:
grant ecr:GetRepositoryPolicy
```

## Fix
Grant the scanning identity the permissions in `docs/iamlint-readonly-policy.json`
(read-only: Get/List/Describe), or scan with a role that has them. For the read above:
```json
{"Effect": "Allow",
 "Action": ["ecr:DescribeRepositories", "ecr:GetRepositoryPolicy"],
 "Resource": "*"}
```

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
"""

from iamlint.rules.registry import declare

declare(
    "X005",
    "live-read-failed",
    "warning",
    "Live read failed or was denied (names the API call and the missing permission).",
    doc=__doc__ or "",
    module=__name__,
)
