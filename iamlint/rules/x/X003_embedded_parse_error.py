"""X003 embedded-policy-parse-error: policy text inside another document does not parse.

## What it does
Reports policy text held in a string that is not valid JSON: an ECR `policyText`, a
Terraform `jsonencode()` result or `policy` string, a CloudFormation `PolicyDocument`
string, URL-encoded CLI output. The position is the string in the outer file.

## Why it matters
AWS rejects the deployment (`MalformedPolicyDocument`), and nothing inside the text can be
checked until it parses.

## Example
```json
{"repositoryName": "app", "registryId": "111122223333",
 "policyText": "{\"Version\": \"2012-10-17\", \"Statement\": [}"}
```

## Fix
Produce the text with a JSON serialiser (`jsonencode`, `json.dumps`, `aws_iam_policy_document`)
instead of writing it by hand.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

from iamlint.rules.registry import declare

declare(
    "X003",
    "embedded-policy-parse-error",
    "error",
    "Embedded policy text (ECR policyText, jsonencode result, CFN string) does not parse.",
    doc=__doc__ or "",
    module=__name__,
)
