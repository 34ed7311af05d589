"""T006 irsa-condition-key-malformed: IRSA condition key has the wrong shape.

## What it does
Checks every condition key that names an EKS OIDC issuer, in any trust statement. The
key must be `<issuer host/path>:<claim>`, e.g.
`oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub`. Reported:
- the issuer written with `https://` (as `identity.oidc.issuer` prints it);
- the provider ARN used as the key (`arn:aws:iam::...:oidc-provider/...:sub`);
- a `/` before the claim (`.../id/EXAMPLE/:sub`);
- no claim at all, or a claim EKS tokens do not carry for IAM (only `sub` and `aud`
  are meaningful: `:subject`, `:sa`, `:audience` are typos);
- whitespace around the key.
Key names are case-insensitive (`:SUB` is fine).

## Why it matters
IAM looks the key up in the request context as written. A malformed key is never
present, so a positive condition on it never matches and `AssumeRoleWithWebIdentity` is
denied (`Not authorized to perform sts:AssumeRoleWithWebIdentity`).

## Example
```json
"Condition": {"StringEquals": {
  "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
    "system:serviceaccount:app:web"}}
```

## Fix
Write the issuer without scheme, ARN prefix or trailing slash, followed by `:sub` or
`:aud`: `oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub`.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
"""

from collections.abc import Iterator

from iamlint.finding import Finding, Fix
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.edits import fix, rename_key
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import IssuerKey, irsa_key_entries

CLAIMS = ("sub", "aud")


@rule(
    "T006",
    "irsa-condition-key-malformed",
    "error",
    "IRSA condition key malformed: `https://`, trailing slash, no `:sub`/`:aud` suffix, "
    "provider ARN used as key.",
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy, _statement, parsed, entry in irsa_key_entries(model, ctx.config):
        problem = _problem(entry.key, parsed)
        if problem:
            fixes = _fixes(entry.key_pointer, entry.key, parsed)
            yield finding("T006", entry.key_pointer, problem, resource=policy.label, fixes=fixes)


def _fixes(key_pointer: Pointer, key: str, parsed: IssuerKey) -> list[Fix]:
    """Rename the key when the claim is certain and the new key is not there already."""
    claim = parsed.claim_lower if parsed.claim_lower in CLAIMS else _closest_claim(parsed.claim)
    if not claim or not parsed.claim:
        return []
    wanted = parsed.written(claim)
    siblings = Pointer(key_pointer.doc, key_pointer.path[:-1]).value
    if wanted == key or not isinstance(siblings, dict) or wanted in siblings:
        return []
    return fix(f"write `{wanted}`", rename_key(key_pointer, wanted))


def _problem(key: str, parsed: IssuerKey) -> str:
    claim = parsed.claim_lower if parsed.claim_lower in CLAIMS else _closest_claim(parsed.claim)
    wanted = f"`{parsed.written(claim)}`" if claim else _both(parsed)
    shown = f"`{key.strip()}`"
    if parsed.arn_prefix:
        return (
            f"condition key {shown} is the provider ARN: the key is the issuer only; write {wanted}"
        )
    if parsed.scheme:
        return f"condition key {shown} must not contain `{parsed.scheme}`: write {wanted}"
    if parsed.trailing_slash:
        return f"condition key {shown} has a `/` before the claim: write {wanted}"
    if not parsed.claim:
        return f"condition key {shown} names no claim: write {_both(parsed)}"
    if parsed.claim_lower not in CLAIMS:
        return (
            f"condition key {shown}: `:{parsed.claim}` is not a claim IAM reads from EKS "
            f"service account tokens; write {wanted}"
        )
    if key != key.strip():
        return f"condition key `{key}` has whitespace around it: write {wanted}"
    return ""


def _closest_claim(claim: str) -> str:
    lowered = claim.strip().lower()
    if lowered.startswith("sub") or lowered in ("sa", "serviceaccount", "service-account"):
        return "sub"
    if lowered.startswith("aud"):
        return "aud"
    return ""


def _both(parsed: IssuerKey) -> str:
    return f"`{parsed.written('sub')}` (service account) or `{parsed.written('aud')}` (audience)"
