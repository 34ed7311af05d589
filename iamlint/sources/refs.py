"""Cheap ARN field access for extraction (full parsing lives in iamlint.iam.arn)."""

from __future__ import annotations


def account_of(arn: str) -> str:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else ""


def region_of(arn: str) -> str:
    parts = arn.split(":", 5)
    return parts[3] if len(parts) > 5 and parts[0] == "arn" else ""


def role_name_of(arn: str) -> str:
    """`arn:aws:iam::1:role/path/name` -> `name` ('' when not a role ARN)."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or not parts[5].startswith("role/"):
        return ""
    return parts[5].rsplit("/", 1)[-1]
