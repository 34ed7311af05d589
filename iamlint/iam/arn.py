"""ARNs, OIDC issuers and container image references.

`parse_arn` splits `arn:partition:service:region:account:resource` without judging it (it
tolerates `*`/`?` wildcards, policy variables and placeholders such as `${AWS::AccountId}`);
`arn_problems` judges it for rule P005. Which services have a region or an account field
comes from the ARN formats of the action catalogue (`iamlint.iam.catalogue`); without the
catalogue a small built-in table of global services is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from iamlint.iam.wildcard import has_wildcard
from iamlint.placeholders import contains_placeholder

PARTITIONS = (
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
)
_PARTITION_SET = frozenset(PARTITIONS)

ACCOUNT_RE = re.compile(r"\d{12}")
# us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1, us-isob-east-1, ap-southeast-7
REGION_RE = re.compile(r"[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}")
_SERVICE_RE = re.compile(r"[a-z0-9*?][a-z0-9\-.*?]*")
_WHITESPACE = re.compile(r"\s")

# Used only when the action catalogue is not installed: ARN services whose resources have
# no region (and S3 buckets/objects, which also have no account).
_GLOBAL_SERVICES = frozenset(
    {"iam", "sts", "cloudfront", "route53", "organizations", "waf", "globalaccelerator"}
)

ArnContext = Literal["resource", "principal"]


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_type(self) -> str:
        """`role` for `role/path/name`, `log-group` for `log-group:/x:*`, '' for `root`."""
        return _split_resource(self.resource)[0]

    @property
    def resource_id(self) -> str:
        """`path/name` for `role/path/name`, `root` for `root`."""
        return _split_resource(self.resource)[1]

    @property
    def path(self) -> str:
        """IAM path of a role/user/policy ARN: `/` or `/a/b/`."""
        head, _, _ = self.resource_id.rpartition("/")
        return f"/{head}/" if head else "/"

    @property
    def name(self) -> str:
        """Last `/` component of the resource id (role, user, repository... name)."""
        return self.resource_id.rpartition("/")[2]

    def __str__(self) -> str:
        return ":".join(
            ("arn", self.partition, self.service, self.region, self.account, self.resource)
        )


def parse_arn(text: Any) -> Arn | None:
    """Split an ARN into its six fields, or None when `text` is not `arn:` + five colons.
    Surrounding whitespace is ignored; colons inside `${...}`, `{{...}}` and `<...>` do not
    split (`arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x` parses)."""
    if not isinstance(text, str):
        return None
    return _parse_arn_text(text)


@lru_cache(maxsize=1 << 15)
def _parse_arn_text(text: str) -> Arn | None:
    """(Cached: an ARN recurs across rules and files; an `Arn` is immutable.)"""
    fields = split_arn(text.strip())
    if fields is None:
        return None
    return Arn(*fields)


def split_arn(text: str) -> tuple[str, str, str, str, str] | None:
    if not text.startswith("arn:"):
        return None
    if "{" in text or "<" in text:
        parts = _split_outside_placeholders(text, 5)
    else:
        parts = text.split(":", 5)
    if len(parts) != 6:
        return None
    return parts[1], parts[2], parts[3], parts[4], parts[5]


def partition_for_region(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("us-isof-") or region.startswith("eu-isoe-"):
        return "aws-iso-f" if region.startswith("us-isof-") else "aws-iso-e"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("eusc-"):
        return "aws-eusc"
    return "aws"


# ---------------------------------------------------------------------------------------
# P005


def arn_problems(text: Any, context: ArnContext = "resource") -> list[str]:
    """Why `text` is not a well-formed ARN for `context` ("resource": a Resource/NotResource
    value; "principal": an `AWS` principal value, which may also be `*` or a bare 12-digit
    account ID). Empty when fine, when the value is `*`, or when it holds a placeholder
    (unresolved values are not errors)."""
    if isinstance(text, str):  # the same ARNs recur across a repository's files
        return list(_string_arn_problems(text, context))
    return _arn_problems(text, context)


@lru_cache(maxsize=1 << 16)
def _string_arn_problems(text: str, context: ArnContext) -> tuple[str, ...]:
    return tuple(_arn_problems(text, context))


# An ARN with nothing unusual: a known partition, a plain service name, a region code or
# none, 12 digits or none, a resource without whitespace or placeholder marks (wildcards
# in the resource are fine: the field rules below do not depend on the resource then).
_PLAIN_ARN = re.compile(
    r"arn:(?:aws|aws-cn|aws-us-gov):([a-z0-9][a-z0-9\-.]*)"
    r":((?:[a-z]{2,4}(?:-[a-z]+)+-\d{1,2})?):(\d{12})?:[^\s${}<>\[\]]+"
)


def _plainly_fine(text: str, context: ArnContext) -> bool:
    """Most ARNs of a repository: what the full check would find nothing in, decided by
    one regex and the service's field rules."""
    match = _PLAIN_ARN.fullmatch(text)
    if match is None:
        return False
    service, region, account = match.groups()
    if context == "principal" and (service not in ("iam", "sts") or not account):
        return False
    rules = _agreed_rules(service) if service in _formats_by_service() else {}
    return (not region or rules.get("region") is True) and (
        not account or rules.get("account") is True
    )


def _arn_problems(text: Any, context: ArnContext) -> list[str]:
    if isinstance(text, str) and _plainly_fine(text, context):
        return []
    if contains_placeholder(text):  # also CloudFormation intrinsics ({"Fn::GetAtt": ...})
        return []
    if not isinstance(text, str):
        return [f"an ARN must be a string, not {type(text).__name__}"]
    problems = _whitespace_problems(text)
    value = text.strip()
    if value == "*" or (context == "principal" and ACCOUNT_RE.fullmatch(value)):
        return problems
    if context == "principal" and value.isdigit():
        return [*problems, _account_digits_problem(value)]
    if not value.startswith("arn:"):
        if value[:4].lower() == "arn:":
            return [*problems, f"`{value[:4]}` must be lower case: `arn:`"]
        return [*problems, f"`{_short(value)}` is not an ARN (it must start with `arn:`)"]
    fields = _split_outside_placeholders(value, 5) if "${" in value else value.split(":", 5)
    if len(fields) < 6:
        return [
            *problems,
            f"`{_short(value)}` has {len(fields)} colon-separated fields; an ARN has 6: "
            "arn:partition:service:region:account:resource",
        ]
    arn = Arn(*fields[1:])
    problems += _partition_problems(arn.partition)
    problems += _service_problems(arn.service, context)
    if not problems:
        problems += _region_problems(arn)
        problems += _account_problems(arn, context)
    if not arn.resource and not has_wildcard(value):
        problems.append("the resource part (after the fifth colon) is empty")
    return problems


def _whitespace_problems(text: str) -> list[str]:
    if text != text.strip():
        return ["leading or trailing whitespace"]
    if _WHITESPACE.search(text):
        return ["contains whitespace"]
    return []


def _partition_problems(partition: str) -> list[str]:
    if partition in _PARTITION_SET:
        return []
    if has_wildcard(partition):
        from iamlint.iam.wildcard import resource_matches

        if any(resource_matches(partition, p) for p in PARTITIONS):
            return []
    if not partition:
        return ["the partition is empty (use `aws`, `aws-cn`, `aws-us-gov`, ...)"]
    return [f"unknown partition `{partition}`{_did_you_mean(partition, PARTITIONS)}"]


def _service_problems(service: str, context: ArnContext) -> list[str]:
    if not service:
        return ["the service is empty (e.g. `arn:aws:iam::111122223333:role/x`)"]
    if service != service.lower():
        return [f"the service `{service}` must be lower case: `{service.lower()}`"]
    if not _SERVICE_RE.fullmatch(service):
        return [f"the service `{service}` contains invalid characters"]
    if context == "principal" and service not in ("iam", "sts") and not has_wildcard(service):
        return [f"a principal ARN names an IAM or STS identity, not a `{service}` resource"]
    return []


# A missing region or account is not reported for resources: AWS-owned resources have
# none (`arn:aws:ssm:*::document/AWS-RunShellScript` in AWS managed policies).


def _region_problems(arn: Arn) -> list[str]:
    region = arn.region
    if not region or has_wildcard(region) or "${" in region:
        return []
    if _field_rule(arn.service, arn.resource, "region") is False:
        return [f"`{arn.service}` ARNs have no region: remove `{region}` (`{arn.service}::`)"]
    if not REGION_RE.fullmatch(region):
        return [f"`{region}` is not a region code (e.g. `us-east-1`)"]
    return []


def _account_problems(arn: Arn, context: ArnContext) -> list[str]:
    account = arn.account
    if has_wildcard(account) or "${" in account:
        return []
    if not account:
        if context == "principal":
            return ["the account ID is missing (a principal ARN needs a 12-digit account ID)"]
        return []
    if _field_rule(arn.service, arn.resource, "account") is False:
        return [f"`{arn.service}` ARNs of this kind have no account ID: remove `{account}`"]
    if account == "aws" or ACCOUNT_RE.fullmatch(account):
        return []
    return [_account_digits_problem(account)]


def _account_digits_problem(account: str) -> str:
    if account.isdigit():
        return f"account ID `{account}` has {len(account)} digits; an AWS account ID has 12"
    return f"account `{_short(account)}` is not a 12-digit AWS account ID"


def _did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------
# which ARN fields a service has: from the catalogue's ARN formats


class _Format:
    """One catalogue ARN format; its resource pattern is compiled on first use (the
    catalogue has some 2,300 formats, a run meets the few of the services it reads)."""

    __slots__ = ("_compiled", "account", "pattern", "region")

    def __init__(self, pattern: str, region: bool, account: bool) -> None:
        self.pattern = pattern
        self.region = region
        self.account = account
        self._compiled: re.Pattern[str] | None = None

    def matches(self, resource: str) -> bool:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, re.DOTALL)
        return self._compiled.fullmatch(resource) is not None


def _field_rule(service: str, resource: str, field: str) -> bool | None:
    """Whether a `service` ARN with this resource may have a region (or account) field:
    False when no known ARN format of that shape has one, None when unknown."""
    formats = _formats_by_service().get(service)
    if formats is None:
        return _fallback_rule(service, resource, field)
    agreed = _agreed_rules(service).get(field)
    if agreed is not None:  # every format of the service says the same: no matching
        return agreed
    matching = _matching_formats(service, resource) or formats
    return any(f.region if field == "region" else f.account for f in matching)


@lru_cache(maxsize=1024)
def _agreed_rules(service: str) -> dict[str, bool]:
    """The fields ("region", "account") that all of a service's formats have, or none
    has (most services): the answer for any resource, without matching it."""
    formats = _formats_by_service().get(service, ())
    agreed = {}
    for field, has in (
        ("region", [f.region for f in formats]),
        ("account", [f.account for f in formats]),
    ):
        if has and all(has):
            agreed[field] = True
        elif not any(has):
            agreed[field] = False
    return agreed


@lru_cache(maxsize=8192)
def _matching_formats(service: str, resource: str) -> tuple[_Format, ...]:
    """The formats of `service` whose resource pattern `resource` fits (all of them for a
    resource with wildcards); cached: the region and the account rule both ask."""
    formats = _formats_by_service().get(service, ())
    if has_wildcard(resource):
        return formats
    return tuple(f for f in formats if f.matches(resource))


def _fallback_rule(service: str, resource: str, field: str) -> bool | None:
    if service == "s3":
        return resource.startswith(("accesspoint/", "job/", "storage-lens", "access-grants"))
    if service in _GLOBAL_SERVICES:
        return field != "region"
    return None


@lru_cache(maxsize=1)
def _formats_by_service() -> dict[str, tuple[_Format, ...]]:
    """ARN service -> the ARN formats of all catalogue resource types with that service
    (a service's resource list also names other services' ARNs: they are filed under their
    own ARN service here). Empty when the catalogue is not available."""
    try:
        from iamlint.iam import catalogue
    except ImportError:
        return {}
    seen: dict[str, dict[str, _Format]] = {}
    try:
        for prefix in catalogue.known_prefixes():
            for fmt in catalogue.resource_arn_formats(prefix):
                fields = fmt.split(":", 5)
                if len(fields) == 6 and fields[0] == "arn" and "$" not in fields[2]:
                    seen.setdefault(fields[2], {})[fmt] = _format(fields)
    except (OSError, ValueError, KeyError):  # data file missing or unreadable
        return {}
    return {service: tuple(by_text.values()) for service, by_text in seen.items()}


def _format(fields: list[str]) -> _Format:
    resource = re.sub(r"\\\$\\\{[^}]*\\\}", ".*", re.escape(fields[5]))
    return _Format(resource, bool(fields[3]), bool(fields[4]))


# ---------------------------------------------------------------------------------------
# IAM identity ARNs


def role_arn_parts(arn: Any) -> tuple[str, str, str, str] | None:
    """(partition, account, path, name) of `arn:<p>:iam::<acct>:role/<path>/<name>`;
    path is `/` or `/a/b/`. None when not a role ARN."""
    parsed = _iam_arn(arn, "role")
    if parsed is None or not parsed.name:
        return None
    return parsed.partition, parsed.account, parsed.path, parsed.name


def is_role_arn(arn: Any) -> bool:
    return role_arn_parts(arn) is not None


def is_user_arn(arn: Any) -> bool:
    parsed = _iam_arn(arn, "user")
    return parsed is not None and bool(parsed.name)


def is_instance_profile_arn(arn: Any) -> bool:
    parsed = _iam_arn(arn, "instance-profile")
    return parsed is not None and bool(parsed.name)


def is_assumed_role_arn(arn: Any) -> bool:
    """`arn:aws:sts::<acct>:assumed-role/<role>/<session>` (a role session, not a role)."""
    return assumed_role_parts(arn) is not None


def assumed_role_parts(arn: Any) -> tuple[str, str, str, str] | None:
    """(partition, account, role name, session name) of an STS assumed-role ARN."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service not in ("sts", "iam"):
        return None
    kind, _, rest = parsed.resource.partition("/")
    role, _, session = rest.partition("/")
    if kind != "assumed-role" or not role or not session:
        return None
    return parsed.partition, parsed.account, role, session


def is_account_root_arn(arn: Any) -> bool:
    parsed = parse_arn(arn)
    return parsed is not None and parsed.service == "iam" and parsed.resource == "root"


def oidc_provider_arn_parts(arn: Any) -> tuple[str, str, str] | None:
    """(partition, account, issuer) of `arn:<p>:iam::<acct>:oidc-provider/<host>/<path>`;
    the issuer is the host and path as written (no `https://`)."""
    parsed = _iam_arn(arn, "oidc-provider")
    if parsed is None or not parsed.resource_id:
        return None
    return parsed.partition, parsed.account, parsed.resource_id


_EKS_ISSUER = re.compile(
    r"oidc\.eks\.(?P<region>[^./]+)\.amazonaws\.com(?:\.cn)?/id/(?P<id>[^/]+)", re.IGNORECASE
)


def eks_oidc_issuer_parts(host_path: Any) -> tuple[str, str] | None:
    """(region, id) of an EKS issuer `oidc.eks.<region>.amazonaws.com[.cn]/id/<ID>`
    (with or without `https://` and trailing slash); None for other issuers."""
    if not isinstance(host_path, str):
        return None
    match = _EKS_ISSUER.fullmatch(normalise_issuer(host_path))
    return (match.group("region"), match.group("id")) if match else None


def is_eks_issuer(host_path: Any) -> bool:
    return eks_oidc_issuer_parts(host_path) is not None


def normalise_issuer(url: str) -> str:
    """The issuer as OIDC provider ARNs and condition keys write it: no scheme, no trailing
    slash (`https://oidc.eks.eu-west-1.amazonaws.com/id/AB/` -> `oidc.eks.eu-west-1...id/AB`)."""
    text = url.strip()
    for scheme in ("https://", "http://"):
        if text[: len(scheme)].lower() == scheme:
            text = text[len(scheme) :]
            break
    return text.rstrip("/")


def _iam_arn(arn: Any, kind: str) -> Arn | None:
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "iam":
        return None
    if not parsed.resource.startswith(kind + "/"):
        return None
    return parsed


@lru_cache(maxsize=1 << 15)
def _split_resource(resource: str) -> tuple[str, str]:
    slash, colon = resource.find("/"), resource.find(":")
    cuts = [i for i in (slash, colon) if i >= 0]
    if not cuts:
        return "", resource
    cut = min(cuts)
    return resource[:cut], resource[cut + 1 :]


def _split_outside_placeholders(text: str, maxsplit: int) -> list[str]:
    parts: list[str] = []
    start = 0
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "{<":
            depth += 1
        elif ch in "}>" and depth:
            depth -= 1
        elif ch == ":" and depth == 0 and len(parts) < maxsplit:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


# ---------------------------------------------------------------------------------------
# container image references


@dataclass(frozen=True, slots=True)
class EcrImage:
    account: str
    region: str
    repository: str
    tag: str | None
    digest: str | None
    registry: str
    fips: bool = False

    @property
    def partition(self) -> str:
        return "aws-cn" if self.registry.endswith(".cn") else partition_for_region(self.region)

    @property
    def repository_arn(self) -> str:
        return f"arn:{self.partition}:ecr:{self.region}:{self.account}:repository/{self.repository}"


_FIELD = r"(?:\$\{[^{}/]*\}|[^./:@\s${}])+"  # a DNS label, or a `${...}` placeholder
_ECR_REGISTRY = re.compile(
    rf"(?P<account>{_FIELD})\.dkr\.ecr(?P<fips>-fips)?\.(?P<region>{_FIELD})"
    r"\.amazonaws\.com(?:\.cn)?"
    rf"|(?P<account2>{_FIELD})\.dkr-ecr(?P<fips2>-fips)?\.(?P<region2>{_FIELD})\.on\.aws",
    re.IGNORECASE,
)


def parse_ecr_image(image: Any) -> EcrImage | None:
    """Split a private ECR image reference
    `<acct>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repo>[:<tag>][@sha256:<hex>]`
    (also the dual-stack `<acct>.dkr-ecr.<region>.on.aws`). None for other registries,
    including ECR Public (`public.ecr.aws`). Fields are taken as written (the account may be
    a placeholder; check it with `iamlint.placeholders`)."""
    if not isinstance(image, str):
        return None
    return _parse_ecr_text(image.strip())


@lru_cache(maxsize=1 << 14)
def _parse_ecr_text(text: str) -> EcrImage | None:
    """(Cached: an image recurs across the workloads and task definitions of a repository;
    the result is immutable.)"""
    registry, slash, rest = _split_registry(text)
    match = _ECR_REGISTRY.fullmatch(registry)
    if not match or not slash:
        return None
    name, digest = _cut_digest(rest)
    repository, tag = _cut_tag(name)
    if not repository:
        return None
    account = match.group("account") or match.group("account2")
    region = match.group("region") or match.group("region2")
    fips = bool(match.group("fips") or match.group("fips2"))
    region = region if "$" in region else region.lower()  # DNS ignores case, ARNs do not
    return EcrImage(account, region, repository, tag, digest, registry, fips)


# Docker reference grammar (distribution/reference): lower-case path components joined by
# `.`, `_`, `__` or runs of `-`; a tag of up to 128 word characters, dots and dashes.
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_DOMAIN_COMPONENT = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
_PORT = re.compile(r"\d+")
NAME_MAX_LENGTH = 255


def image_reference_problems(image: Any) -> list[str]:
    """Why a container image reference would be rejected (rule K008): whitespace, upper case
    in the repository path, an empty tag (`repo:`), empty path components, invalid
    characters, a malformed digest. Empty when fine or when the value is a placeholder
    (`${REPOSITORY_URI}:latest`, `{{ .Values.image }}`)."""
    if not isinstance(image, str):
        return [f"the image must be a string, not {type(image).__name__}"]
    if not image.strip():
        return ["the image reference is empty"]
    if contains_placeholder(image):
        return []
    if image != image.strip():
        return [f"`{image.strip()}` has leading or trailing whitespace"]
    if _WHITESPACE.search(image):
        return ["the image reference contains whitespace"]
    name, digest = _cut_digest(image)
    problems: list[str] = []
    if digest is not None and not _DIGEST.fullmatch(digest):
        problems.append(f"digest `{_short(digest)}` is not `<algorithm>:<hex>` (e.g. `sha256:...`)")
    name, tag = _cut_tag(name)
    if tag is not None:
        if not tag:
            problems.append("the tag after `:` is empty (write `repo:tag` or drop the colon)")
        elif not _TAG.fullmatch(tag):
            problems.append(
                f"tag `{_short(tag)}` is invalid (letters, digits, `_`, `.`, `-`; "
                "at most 128; not starting with `.` or `-`)"
            )
    problems += _name_problems(name)
    return problems


def _name_problems(name: str) -> list[str]:
    if not name:
        return ["the repository name is empty"]
    if len(name) > NAME_MAX_LENGTH:
        return [f"the repository name is longer than {NAME_MAX_LENGTH} characters"]
    domain, path = _split_domain(name)
    problems = _domain_problems(domain) if domain is not None else []
    components = path.split("/")
    if any(not c for c in components):
        problems.append(f"`{_short(path)}` has an empty path component (`//` or a `/` at an end)")
    for component in components:
        if not component or _PATH_COMPONENT.fullmatch(component):
            continue
        if _PATH_COMPONENT.fullmatch(component.lower()):
            problems.append(f"repository `{_short(path)}` must be lower case: `{path.lower()}`")
            break
        problems.append(
            f"path component `{_short(component)}` is invalid (lower-case letters and digits, "
            "separated by `.`, `_`, `__` or `-`)"
        )
    return problems


def _split_domain(name: str) -> tuple[str | None, str]:
    first, slash, rest = name.partition("/")
    if not slash:
        return None, name
    # distribution/reference: the first component is a host if it has `.` or `:`, is
    # `localhost`, or has upper case (path components cannot)
    if "." in first or ":" in first or first == "localhost" or first != first.lower():
        return first, rest
    return None, name


def _domain_problems(domain: str) -> list[str]:
    host, colon, port = domain.partition(":")
    if host.startswith("[") and "]" in domain:  # [IPv6]:port
        host, _, after = domain.partition("]")
        host += "]"
        colon, port = (":", after[1:]) if after.startswith(":") else ("", "")
        if len(host) < 4:
            return [f"registry host `{domain}` is invalid"]
    elif not host or not all(_DOMAIN_COMPONENT.fullmatch(c) for c in host.split(".")):
        return [f"registry host `{_short(domain)}` is invalid"]
    if colon and not _PORT.fullmatch(port):
        return [f"registry port `{port}` is not a number"]
    return []


def _split_registry(text: str) -> tuple[str, str, str]:
    """`host/rest` at the first `/` outside `${...}`."""
    if "{" not in text:
        host, slash, rest = text.partition("/")
        return host, slash, rest
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
        elif ch == "/" and depth == 0:
            return text[:i], "/", text[i + 1 :]
    return text, "", ""


def _cut_digest(text: str) -> tuple[str, str | None]:
    name, at, digest = text.partition("@")
    return (name, digest) if at else (text, None)


def _cut_tag(name: str) -> tuple[str, str | None]:
    """`host:5000/repo:tag` -> (`host:5000/repo`, `tag`); the tag is after the last colon
    that follows the last slash."""
    colon = name.rfind(":")
    if colon == -1 or colon < name.rfind("/"):
        return name, None
    return name[:colon], name[colon + 1 :]
