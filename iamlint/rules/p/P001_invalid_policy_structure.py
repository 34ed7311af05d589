"""P001 invalid-policy-structure: the policy does not follow the IAM JSON policy grammar.

## What it does
Checks every policy document (identity, trust, ECR repository and registry, VPC endpoint,
other resource policies) against the grammar AWS enforces:

- top-level keys are only `Version`, `Id` and `Statement`, and `Statement` is present;
- `Version` is `2012-10-17` or `2008-10-17` (a date-like typo such as `2012-10-18` is
  rejected);
- `Statement` is one statement mapping or a list of them;
- statement keys are only `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`,
  `NotAction`, `Resource`, `NotResource`, `Condition`;
- `Action`/`NotAction`/`Resource`/`NotResource` are a string or a list of strings;
- `Principal`/`NotPrincipal` is `"*"` or a mapping whose keys are `AWS`, `Service`,
  `Federated`, `CanonicalUser`, each a string or a list of strings;
- `Condition` maps operators to mappings of condition keys to a value or a list of values;
- in IAM policies (identity and trust policies) a `Sid` holds only letters and digits.

Keys are case-sensitive: `statement`, `action` or `Aws` are unknown keys. The message names
the key or type to write instead. CloudFormation intrinsics (`!Sub`, `!Ref`, `Fn::If`) are
unresolved values, never type errors. `Effect` is P003's, and empty lists are P009's.

## Why it matters
IAM and the services that take resource policies reject such a document with
`MalformedPolicyDocument` (for example `Syntax errors in policy`, `Unknown field statement`,
`Statement IDs (SID) must be alpha-numeric`): the role, policy or repository policy is not
created or updated, and the deployment that carries it fails.

## Example
```json
{"Version": "2012-10-17",
 "statement": [{"Effect": "Allow", "Actions": ["ecr:BatchGetImage"], "Resource": "*"}]}
```

## Fix
Use the key names exactly as AWS spells them (`Statement`, `Action`), the value types the
grammar allows, `"Version": "2012-10-17"`, and letters and digits only in a `Sid`.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
"""

import re
from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import IDENTITY, TRUST, Model, Policy
from iamlint.placeholders import is_cfn_intrinsic
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import (
    PRINCIPAL_TYPES,
    STATEMENT_KEYS,
    TOP_LEVEL_KEYS,
    VERSIONS,
    Problem,
    code,
    did_you_mean,
    type_name,
)
from iamlint.rules.registry import rule

STRING_OR_LIST = ("Action", "NotAction", "Resource", "NotResource")
PRINCIPALS = ("Principal", "NotPrincipal")
SID = re.compile(r"^[A-Za-z0-9]*$")
DATE_LIKE = re.compile(r"^\s*(19|20)\d\d-\d\d-\d\d\s*$")
# IAM hosts these policies; its Sid grammar is stricter than other services'
IAM_KINDS = (IDENTITY, TRUST)


@rule(
    "P001",
    "invalid-policy-structure",
    "error",
    "Policy structure invalid: no `Statement`, unknown top-level or statement key, wrong "
    "value types.",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in model.policies:
        if isinstance(policy.document, dict):
            for pointer, message in _document_problems(policy):
                yield finding("P001", pointer, message, resource=policy.label)


def _document_problems(policy: Policy) -> Iterator[Problem]:
    document: dict[str, Any] = policy.document
    root = policy.pointer
    unknown = [k for k in document if k not in TOP_LEVEL_KEYS]
    near_miss = any(did_you_mean(str(k), ["Statement"]) for k in unknown)
    if "Statement" not in document and not near_miss:
        # one finding: a mapping without Statement is often no policy at all
        found = f" (it has {', '.join(f'`{k}`' for k in document)})" if document else ""
        yield (
            root,
            (
                f"policy has no `Statement`{found}: a policy is `Version` and `Statement`, a list "
                "of statements with `Effect`, `Action`, and `Resource` or `Principal`"
            ),
        )
    else:
        for key in unknown:
            yield root.child(key).at_key(), _unknown_key("top-level key", key, TOP_LEVEL_KEYS)
    if "Version" in document:
        yield from _version_problems(document["Version"], root.child("Version"))
    if "Id" in document and not _is_string(document["Id"]):
        yield root.child("Id"), f"`Id` is {type_name(document['Id'])}: it must be a string"
    if "Statement" in document:
        where = _Where(root.doc, (*root.path, "Statement"))
        yield from _statement_list_problems(policy, document["Statement"], where)


class _Where:
    """A place in a document, made a Pointer only for a problem: a policy has some
    twenty values, and almost all of them are fine."""

    __slots__ = ("doc", "path")

    def __init__(self, doc: Any, path: tuple[Any, ...]) -> None:
        self.doc = doc
        self.path = path

    def pointer(self, *parts: Any, key: bool = False) -> Pointer:
        return Pointer(self.doc, self.path + parts, key)


def _version_problems(version: Any, pointer: Pointer) -> Iterator[Problem]:
    if version in VERSIONS or is_cfn_intrinsic(version):
        return
    if isinstance(version, str) and version.strip() in VERSIONS:
        yield pointer, f'`Version` is `{version}` with whitespace: write `"{version.strip()}"`'
        return
    date_like = isinstance(version, str) and DATE_LIKE.match(version)
    hint = "did you mean `2012-10-17`? " if date_like else ""
    yield (
        pointer,
        (
            f"`Version` is {code(version)}: {hint}the only valid values are `2012-10-17` "
            '(current) and `2008-10-17` (legacy); write `"Version": "2012-10-17"`'
        ),
    )


def _statement_list_problems(policy: Policy, value: Any, where: _Where) -> Iterator[Problem]:
    if is_cfn_intrinsic(value):
        return
    if isinstance(value, dict):
        yield from _statement_problems(policy, value, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict) and not is_cfn_intrinsic(item):
                yield from _statement_problems(
                    policy, item, _Where(where.doc, (*where.path, index))
                )
            elif not is_cfn_intrinsic(item):
                yield (
                    where.pointer(index),
                    (
                        f"statement {index + 1} is {type_name(item)}: each statement must be a "
                        "mapping with `Effect`, `Action` and `Resource` or `Principal`"
                    ),
                )
    else:
        yield (
            where.pointer(),
            (
                f"`Statement` is {type_name(value)}: it must be a statement mapping or a list "
                "of them"
            ),
        )


def _statement_problems(
    policy: Policy, statement: dict[str, Any], where: _Where
) -> Iterator[Problem]:
    for key in statement:
        if key not in STATEMENT_KEYS:
            yield where.pointer(key, key=True), _unknown_key("statement key", key, STATEMENT_KEYS)
    if "Sid" in statement:
        yield from _sid_problems(policy, statement["Sid"], where)
    for name in STRING_OR_LIST:
        value = statement.get(name, "")
        if type(value) is not str:
            yield from _string_or_list(name, value, where, (name,))
    for name in PRINCIPALS:
        if name in statement:
            yield from _principal_problems(name, statement[name], where)
    if "Condition" in statement:
        yield from _condition_problems(statement["Condition"], where)


def _sid_problems(policy: Policy, sid: Any, where: _Where) -> Iterator[Problem]:
    if is_cfn_intrinsic(sid):
        return
    if not isinstance(sid, str):
        yield where.pointer("Sid"), f"`Sid` is {type_name(sid)}: it must be a string"
        return
    if policy.kind in IAM_KINDS and not SID.match(sid):
        wanted = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", sid))
        suggestion = f" (e.g. `{wanted}`)" if wanted else ""
        yield (
            where.pointer("Sid"),
            (
                f"`Sid` `{sid}` has characters IAM rejects: in an IAM policy a `Sid` holds only "
                f"letters and digits{suggestion}"
            ),
        )


def _string_or_list(
    name: str, value: Any, where: _Where, parts: tuple[Any, ...]
) -> Iterator[Problem]:
    """`value` at `parts` below `where`: a string or a list of strings."""
    if _is_string(value):
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            if not _is_string(item):
                yield (
                    where.pointer(*parts, index),
                    (
                        f"`{name}` item {code(item)} is {type_name(item)}: every item must be a "
                        "string"
                    ),
                )
        return
    yield (
        where.pointer(*parts),
        (f"`{name}` is {type_name(value)}: it must be a string or a list of strings"),
    )


def _principal_problems(name: str, value: Any, where: _Where) -> Iterator[Problem]:
    if value == "*" or is_cfn_intrinsic(value):
        return
    if isinstance(value, str):
        kind = "Service" if value.strip().lower().endswith(".amazonaws.com") else "AWS"
        yield (
            where.pointer(name),
            (
                f'`{name}` is the string {code(value)}: only `"*"` may be written as a string; '
                f'name the principal type, e.g. `{{"{kind}": "{value.strip()}"}}`'
            ),
        )
        return
    if not isinstance(value, dict):
        yield (
            where.pointer(name),
            (
                f'`{name}` is {type_name(value)}: it must be `"*"` or a mapping such as '
                '`{"AWS": "arn:aws:iam::111122223333:root"}`'
            ),
        )
        return
    if not value:
        yield (
            where.pointer(name),
            (f"`{name}` is empty: name at least one principal (`AWS`, `Service`, ...)"),
        )
    for key, item in value.items():
        if key not in PRINCIPAL_TYPES:
            yield (
                where.pointer(name, key, key=True),
                _unknown_key(f"`{name}` type", key, PRINCIPAL_TYPES),
            )
        else:
            yield from _string_or_list(f"{name}.{key}", item, where, (name, key))


def _condition_problems(value: Any, where: _Where) -> Iterator[Problem]:
    if is_cfn_intrinsic(value):
        return
    if not isinstance(value, dict):
        yield (
            where.pointer("Condition"),
            (
                f"`Condition` is {type_name(value)}: it must map operators to keys, e.g. "
                '`{"StringEquals": {"aws:SourceAccount": "111122223333"}}`'
            ),
        )
        return
    for operator, block in value.items():
        if is_cfn_intrinsic(block):
            continue
        if not isinstance(block, dict):
            yield (
                where.pointer("Condition", operator),
                (
                    f"condition operator `{operator}` maps to {type_name(block)}: it must map "
                    'condition keys to values, e.g. `{"aws:SourceAccount": "111122223333"}`'
                ),
            )
            continue
        for key, values in block.items():
            if not _is_scalar(values):
                parts = ("Condition", operator, key)
                yield from _condition_values(operator, str(key), values, where, parts)


def _condition_values(
    operator: str, key: str, value: Any, where: _Where, parts: tuple[Any, ...]
) -> Iterator[Problem]:
    if _is_scalar(value):
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            if not _is_scalar(item):
                yield (
                    where.pointer(*parts, index),
                    (
                        f"value {code(item)} of `{operator}` `{key}` is {type_name(item)}: "
                        "condition values are strings, numbers or booleans"
                    ),
                )
        return
    yield (
        where.pointer(*parts),
        (
            f"`{operator}` `{key}` is {type_name(value)}: a condition key takes a value or a list "
            "of values (strings, numbers or booleans)"
        ),
    )


def _unknown_key(what: str, key: Any, allowed: tuple[str, ...]) -> str:
    text = str(key)
    close = did_you_mean(text, allowed)
    listing = ", ".join(f"`{k}`" for k in allowed)
    if close and close.lower() == text.strip().lower():
        return f"unknown {what} `{text}`: keys are case-sensitive, write `{close}`"
    if close:
        return f"unknown {what} `{text}`: did you mean `{close}`? (allowed: {listing})"
    return f"unknown {what} `{text}`: allowed are {listing}"


def _is_string(value: Any) -> bool:
    return isinstance(value, str) or is_cfn_intrinsic(value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, bool, int, float)) or is_cfn_intrinsic(value)
