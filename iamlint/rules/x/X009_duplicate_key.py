"""X009 duplicate-key: a key written twice in one mapping; only one of the values counts.

## What it does
Reports every repeated occurrence of a key in one JSON object or YAML mapping, in any
input: IAM policy files, Kubernetes manifests, CloudFormation templates, policy text
embedded in strings (ECR `policyText`, CloudFormation and Terraform policy strings) and
`mapRoles`. The finding sits on the repeated key; it names the key's path, where the key
was first written, and which value the consumer of the file uses:

- Kubernetes manifests: `kubectl apply -f` and Helm decode the file on the client and
  send only the last value, without a word: the API server's strict field validation
  (`duplicate field`) never sees the others. A manifest that a `kustomization.yaml`
  scanned with it lists (`resources`, `patches`) is an **error**: kustomize
  (`kubectl apply -k`, Argo CD, Flux) refuses it with `mapping key already defined`.
- CloudFormation templates: CloudFormation deploys the last value; cfn-lint refuses the
  template (E0000 "Duplicate found").
- IAM policies: IAM does not document which value it keeps; the Terraform AWS provider
  refuses policy text with duplicate keys.
- Anything else (kubeconfig, eksctl, aws-auth `mapRoles`, AWS CLI output): most JSON and
  YAML readers keep the last value.

iamlint itself checks the last value everywhere, so its other findings describe what
the consumers above deploy.

## Why it matters
YAML 1.2 requires the keys of a mapping to be unique and JSON (RFC 8259) leaves the
meaning of repeated names to the reader. A reviewer reads the first value, the tool
applies the last: two `Condition` blocks where the second silently replaces the first
turn a restricted grant into an open one; two `env:` lists drop the first one's
variables; two `Resources` entries with one logical ID deploy one resource; a `---`
forgotten between two manifests drops the first object (`apiVersion` and `kind` repeat).

## Example
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
  "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}},
  "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}
```
`` duplicate key `Statement/0/Condition` (2 times, first at 2:20): IAM does not document
which value it keeps; iamlint checked the value at 3:3... ``: the `aws:SourceVpc`
restriction is not in the policy iamlint checked.

## Fix
Keep one occurrence: merge the values (both conditions into one `Condition` mapping,
both lists into one) or delete the stale one.

## References
- https://yaml.org/spec/1.2.2/#mapping
- https://www.rfc-editor.org/rfc/rfc8259#section-4
- https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
- https://github.com/kubernetes/kubernetes/issues/125885
- https://github.com/aws-cloudformation/cfn-lint/issues/35
- https://github.com/hashicorp/terraform-provider-aws/pull/33570
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding, Location, Related, Severity
from iamlint.load.document import Document, DuplicateKey, Span
from iamlint.model import Model
from iamlint.rules.base import RuleContext
from iamlint.rules.registry import rule

RULE = "X009"
# a hostile file may repeat a key thousands of times: report a few, then say how many
MAX_PER_FILE = 50
LONGEST_KEY = 60
# an access key ID, or base64 as long as a secret key or token: never printed (as K004)
ACCESS_KEY_ID = re.compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}")
BASE64_SECRET = re.compile(r"(?=.*[0-9])(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9/+=]{40,}")


@rule(
    RULE,
    "duplicate-key",
    "warning",
    "Key written twice in one mapping: names the value the consumer (kubectl, "
    "CloudFormation, IAM) uses.",
    reads=("documents",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    kustomized: set[str] | None = None
    for document in model.documents:
        if not document.duplicates:
            continue
        if kustomized is None:
            kustomized = _kustomized_files(model.documents)
        reported = 0
        repeats = _repeats(document)
        for duplicate, occurrence in repeats[:MAX_PER_FILE]:
            yield _finding(document, duplicate, occurrence, document.path in kustomized)
            reported += 1
        if len(repeats) > reported:
            duplicate, occurrence = repeats[reported]
            yield _too_many(document, duplicate, occurrence, len(repeats) - reported)


def _repeats(document: Document) -> list[tuple[DuplicateKey, int]]:
    """(duplicate, index of a repeated occurrence) in text order, each place once (an
    embedded text parsed twice reports its duplicates once)."""
    seen: set[tuple[int, Span]] = set()
    repeats = []
    for duplicate in document.duplicates:
        for occurrence in range(1, len(duplicate.spans)):
            place = (id(duplicate.doc), duplicate.spans[occurrence])
            if place not in seen:
                seen.add(place)
                repeats.append((duplicate, occurrence))
    repeats.sort(key=lambda item: _sort_key(item[0].doc.location_of(item[0].spans[item[1]])))
    return repeats


def _sort_key(location: Location) -> tuple[int, int]:
    return (location.line or 0, location.column or 0)


def _finding(
    file_document: Document, duplicate: DuplicateKey, occurrence: int, kustomized: bool
) -> Finding:
    doc = duplicate.doc
    here = doc.location_of(duplicate.spans[occurrence])
    first = doc.location_of(duplicate.spans[0])
    last = doc.location_of(duplicate.spans[-1])
    severity, consequence = _consequence(file_document, doc, last, kustomized)
    count = len(duplicate.spans)
    if doc.embedding is None or doc.embedding.literal:
        where = f"{count} times, first at {first.line}:{first.column}"
    else:
        where = f"{count} times in the text of this string"
    if duplicate.path in (("apiVersion",), ("kind",)):
        where += "; a `---` missing between two documents?"
    return Finding(
        rule=RULE,
        severity=severity,
        message=f"duplicate key {_path_text(duplicate.path)} ({where}): {consequence}",
        location=here,
        resource=file_document.path,
        related=[Related(first, "first written here"), Related(last, "the value used")],
        discriminator=f"{_path_text(duplicate.path)}#{occurrence}",
    )


def _too_many(document: Document, duplicate: DuplicateKey, occurrence: int, more: int) -> Finding:
    return Finding(
        rule=RULE,
        severity=Severity.WARNING,
        message=f"{more} more repeated keys in this file are not listed (the first "
        f"{MAX_PER_FILE} are): remove the duplicates",
        location=duplicate.doc.location_of(duplicate.spans[occurrence]),
        resource=document.path,
        discriminator="more",
    )


def _path_text(path: tuple[Any, ...]) -> str:
    """The key's path, shortened, with anything shaped like a credential hidden."""
    text = "/".join(_shown(str(part)) for part in path)
    if len(text) > LONGEST_KEY:
        text = "..." + text[-LONGEST_KEY:]
    return f"`{text}`"


def _shown(key: str) -> str:
    if ACCESS_KEY_ID.search(key) or BASE64_SECRET.fullmatch(key):
        return "<hidden>"
    return key


def _consequence(
    file_document: Document, doc: Document, last: Location, kustomized: bool
) -> tuple[Severity, str]:
    """Which value the file's consumer uses, and whether it refuses the file instead."""
    literal = doc.embedding is None or doc.embedding.literal
    used = f"the value at {last.line}:{last.column}" if literal else "the last value"
    data = doc.data if doc.embedding is not None else file_document.data
    if doc.embedding is None and _is_kubernetes_object(data):
        if kustomized:
            return Severity.ERROR, (
                "kustomize (`kubectl apply -k`, Argo CD, Flux) refuses the file: `mapping key "
                f"already defined`; iamlint checked {used}: keep one"
            )
        return Severity.WARNING, (
            f"`kubectl apply -f` and Helm send only {used}, without a warning "
            "(kustomize refuses the file); iamlint checked that one: keep one"
        )
    if doc.embedding is None and _is_cloudformation(data):
        return Severity.WARNING, (
            f"CloudFormation deploys {used}, which iamlint checked; cfn-lint "
            "refuses the template: keep one"
        )
    if _is_policy(data):
        return Severity.WARNING, (
            f"IAM does not document which value it keeps; iamlint checked {used}, and the "
            "Terraform AWS provider refuses such policy text: keep one"
        )
    return Severity.WARNING, (
        f"iamlint checked {used}, as most JSON and YAML readers keep the last; "
        "YAML forbids repeated keys and JSON leaves them undefined: keep one"
    )


def _is_kubernetes_object(data: Any) -> bool:
    """Sent to an API server: not a kubeconfig (`Config`) nor an eksctl `ClusterConfig`."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("apiVersion"), str)
        and isinstance(data.get("kind"), str)
        and data["kind"] not in ("Config", "ClusterConfig")
    )


def _kustomized_files(documents: list[Document]) -> set[str]:
    """Files that a kustomization among the inputs lists beside it (`resources`,
    `patchesStrategicMerge`, `patches[].path`), as the paths the inputs are shown with."""
    listed: set[str] = set()
    for document in documents:
        name = document.path.rsplit("/", 1)[-1]
        data = document.data
        if name not in KUSTOMIZATION_NAMES or not isinstance(data, dict):
            continue
        folder = document.path[: -len(name)]
        entries = [*_strings(data.get("resources")), *_strings(data.get("patchesStrategicMerge"))]
        patches = data.get("patches")
        if isinstance(patches, list):
            entries += [p["path"] for p in patches if isinstance(p, dict) and "path" in p]
        listed.update(folder + _relative(entry) for entry in entries if isinstance(entry, str))
    return listed


KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def _strings(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _relative(entry: str) -> str:
    return entry[2:] if entry.startswith("./") else entry


def _is_cloudformation(data: Any) -> bool:
    return isinstance(data, dict) and (
        "AWSTemplateFormatVersion" in data or isinstance(data.get("Resources"), dict)
    )


def _is_policy(data: Any) -> bool:
    return isinstance(data, dict) and "Statement" in data
