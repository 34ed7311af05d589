"""X002 unrecognised-input: a file named on the command line is none of the supported kinds.

## What it does
Reports a file you named explicitly that parsed but holds nothing iamlint understands:
no IAM policy document, no AWS CLI output shape, no Kubernetes object, no Terraform plan,
no CloudFormation template.

## Why it matters
When you point iamlint at a file, you expect it to be checked. A silent pass on a file
that was never understood hides mistakes such as a policy wrapped in an unexpected
envelope.

Files found by walking a directory are skipped silently, with one exception: a file that
does not parse because it is an unrendered template (Helm chart sources, gomplate
`{{ ... }}`) gets this note instead of an X001 error, so that you know it was not checked.

## Example
`iamlint check settings.json` where `settings.json` is an editor's settings:
```json
{"theme": "dark", "fontSize": 14}
```
reports (one line, wrapped here):
```text
settings.json:1:1: X002 info not recognised as any supported input (IAM policy, AWS CLI
output, Kubernetes manifest, Terraform plan, CloudFormation template)
```

## Fix
Check that the file is one of the supported inputs (README, "What it reads"): a policy
needs its `Statement`, AWS CLI output its top-level key (`Role`, `RoleDetailList`,
`policyText`...), a Kubernetes object its `apiVersion` and `kind`. Or stop naming it:
```sh
iamlint check k8s/ iam/        # directories: unrecognised files are skipped silently
```

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
- https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-output-format.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html
- https://developer.hashicorp.com/terraform/internals/json-format
- https://kubernetes.io/docs/concepts/overview/working-with-objects/
"""

from iamlint.rules.registry import declare

declare(
    "X002",
    "unrecognised-input",
    "info",
    "File recognised as none of the supported kinds (only when named explicitly).",
    doc=__doc__ or "",
    module=__name__,
)
