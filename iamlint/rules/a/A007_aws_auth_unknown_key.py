"""A007 aws-auth-unknown-key: a key in an aws-auth entry that the authenticator ignores.

## What it does
Checks the keys of every `mapRoles` and `mapUsers` entry. Keys are matched
case-insensitively (Go's JSON decoding), so `roleArn`, `RoleARN` and `UserName` are fine;
anything else is reported, with the key probably meant: `rolarn`, `role`, `group`,
`user`, `usernames`, or `rolearn` inside `mapUsers`. Known keys are `rolearn`/`userarn`,
`username`, `groups`, `userid` and (mapRoles) `sso`.

A misspelt `rolearn`/`userarn` in an entry that has none is A001's (the whole entry is
dropped), not reported again here.

## Why it matters
The authenticator ignores unknown keys without a word: a misspelt `groups` leaves the
identity with no groups (`Forbidden` on everything), a misspelt `username` maps it to an
empty username.

## Example
```yaml
mapRoles: |
  - rolearn: arn:aws:iam::111122223333:role/ci-deployer
    username: ci-deployer
    group:
      - deployers
```

## Fix
Use the key names `rolearn` (or `userarn`), `username`, `groups`.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
- https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/config/types.go
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.a._aws_auth import KNOWN_KEYS, arn_key_misspelling, entries, resource
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule

RULE = "A007"
# what people write for a known key, beyond what string similarity finds
_MEANT = {"role": "rolearn", "arn": "rolearn", "user": "username", "name": "username"}


@rule(
    RULE,
    "aws-auth-unknown-key",
    "warning",
    "Unknown key in an aws-auth mapping (`rolarn`, `group`, `user`): silently ignored.",
    reads=("aws_auth",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for entry in entries(model):
        data = entry.value
        if not isinstance(data, dict):
            continue
        known = KNOWN_KEYS[entry.section]
        misspelt_arn = arn_key_misspelling(entry)
        present = {k.lower() for k in data if isinstance(k, str)}
        for key in data:
            if key == misspelt_arn or (isinstance(key, str) and key.lower() in known):
                continue
            yield finding(
                RULE,
                entry.pointer.child(key).at_key(),
                _message(str(key), entry.section, known, present),
                resource=resource(entry.aws_auth),
            )


def _message(key: str, section: str, known: tuple[str, ...], present: set[str]) -> str:
    meant = _meant(key, section, known)
    base = f"`{key}` is not a `{section}` key: the authenticator ignores it"
    if meant is None:
        return f"{base} (known keys: {', '.join(f'`{k}`' for k in known)})"
    if meant in present:
        return f"{base} (the entry already has `{meant}`); remove it"
    return f"{base}; did you mean `{meant}`?"


def _meant(key: str, section: str, known: tuple[str, ...]) -> str | None:
    lowered = key.strip().lower().replace("_", "").replace("-", "")
    if lowered in known:
        return lowered
    if section == "mapUsers" and lowered in ("rolearn", "role", "arn"):
        return "userarn"
    guess = _MEANT.get(lowered)
    if guess is not None:
        return "userarn" if guess == "rolearn" and section == "mapUsers" else guess
    close = _close(lowered, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _close(word: str, choices: list[str], n: int, cutoff: float) -> list[str]:
    import difflib  # only when a key is unknown: keep start-up cheap

    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)
