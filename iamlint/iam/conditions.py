"""Condition operators: the catalogue, their problems (P006), their fit to key types (P007),
and three-valued static evaluation of a `Condition` block.

Facts this module relies on (IAM User Guide, "Condition operators", "Multivalued context
keys" and the Access Analyzer policy check reference):

* Operator names are case-sensitive: IAM rejects `stringEquals` with "MalformedPolicyDocument:
  Invalid Condition type". So are the set prefixes `ForAllValues:` / `ForAnyValue:` (they are
  part of the same condition type string). Condition *key names* are not case-sensitive;
  values are compared as the operator says (`StringEquals` case-sensitive,
  `StringEqualsIgnoreCase` not).
* `IfExists` can be added to every operator except `Null` (`NullIfExists` is an error).
* `ForAllValues:` / `ForAnyValue:` can qualify any operator; with `Null` AWS accepts them, but
  they always return true / false (Access Analyzer "Null with qualifier"), so it is reported.
* A key missing from the request: the condition is false, except for negated operators
  (`StringNotEquals`, `ArnNotLike`, `NotIpAddress`, ...) and `...IfExists`, which are true;
  `ForAllValues:` is true and `ForAnyValue:` false on a missing key or an empty value set.
* Several values for one key are OR-ed (a negated operator is true when no value matches);
  several keys in one operator, and several operators in a block, are AND-ed.
* `StringEquals` compares literally (`*` is not a wildcard); `StringLike` / `ArnLike` use
  `*` and `?`; `ArnLike` matches each of the six ARN fields separately.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from types import EllipsisType
from typing import Any

from iamlint.iam.wildcard import compile_glob, glob_to_regex
from iamlint.placeholders import contains_placeholder, is_policy_variable, loosen


class TriState(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool | None) -> TriState:
        if value is None:
            return cls.UNKNOWN
        return cls.TRUE if value else cls.FALSE

    def __invert__(self) -> TriState:
        if self is TriState.UNKNOWN:
            return self
        return TriState.FALSE if self is TriState.TRUE else TriState.TRUE

    def __bool__(self) -> bool:
        raise TypeError("TriState has no truth value: compare with TriState.TRUE")


TRUE, FALSE, UNKNOWN = TriState.TRUE, TriState.FALSE, TriState.UNKNOWN


def tri_all(values: Iterable[TriState]) -> TriState:
    """Three-valued AND: FALSE wins, then UNKNOWN."""
    result = TRUE
    for value in values:
        if value is FALSE:
            return FALSE
        if value is UNKNOWN:
            result = UNKNOWN
    return result


def tri_any(values: Iterable[TriState]) -> TriState:
    """Three-valued OR: TRUE wins, then UNKNOWN."""
    result = FALSE
    for value in values:
        if value is TRUE:
            return TRUE
        if value is UNKNOWN:
            result = UNKNOWN
    return result


# ---------------------------------------------------------------------------------------
# the operator catalogue

STRING, NUMERIC, DATE, BOOL, BINARY, IP, ARN, NULL = (
    "string",
    "numeric",
    "date",
    "bool",
    "binary",
    "ip",
    "arn",
    "null",
)
FOR_ALL_VALUES = "ForAllValues"
FOR_ANY_VALUE = "ForAnyValue"
SET_QUALIFIERS = (FOR_ALL_VALUES, FOR_ANY_VALUE)
IF_EXISTS = "IfExists"


class _Base:
    __slots__ = ("compare", "negated", "type")

    def __init__(self, type_: str, negated: bool, compare: str) -> None:
        self.type = type_
        self.negated = negated
        self.compare = compare  # eq | eq_ic | like | lt | le | gt | ge | ip | arn | null


BASE_OPERATORS: dict[str, _Base] = {
    "StringEquals": _Base(STRING, False, "eq"),
    "StringNotEquals": _Base(STRING, True, "eq"),
    "StringEqualsIgnoreCase": _Base(STRING, False, "eq_ic"),
    "StringNotEqualsIgnoreCase": _Base(STRING, True, "eq_ic"),
    "StringLike": _Base(STRING, False, "like"),
    "StringNotLike": _Base(STRING, True, "like"),
    "NumericEquals": _Base(NUMERIC, False, "eq"),
    "NumericNotEquals": _Base(NUMERIC, True, "eq"),
    "NumericLessThan": _Base(NUMERIC, False, "lt"),
    "NumericLessThanEquals": _Base(NUMERIC, False, "le"),
    "NumericGreaterThan": _Base(NUMERIC, False, "gt"),
    "NumericGreaterThanEquals": _Base(NUMERIC, False, "ge"),
    "DateEquals": _Base(DATE, False, "eq"),
    "DateNotEquals": _Base(DATE, True, "eq"),
    "DateLessThan": _Base(DATE, False, "lt"),
    "DateLessThanEquals": _Base(DATE, False, "le"),
    "DateGreaterThan": _Base(DATE, False, "gt"),
    "DateGreaterThanEquals": _Base(DATE, False, "ge"),
    "Bool": _Base(BOOL, False, "eq"),
    "BinaryEquals": _Base(BINARY, False, "eq"),
    "IpAddress": _Base(IP, False, "ip"),
    "NotIpAddress": _Base(IP, True, "ip"),
    "ArnEquals": _Base(ARN, False, "arn"),
    "ArnLike": _Base(ARN, False, "arn"),
    "ArnNotEquals": _Base(ARN, True, "arn"),
    "ArnNotLike": _Base(ARN, True, "arn"),
    "Null": _Base(NULL, False, "null"),
}
_BASE_BY_LOWER = {name.lower(): name for name in BASE_OPERATORS}
_QUALIFIER_BY_LOWER = {q.lower(): q for q in SET_QUALIFIERS}


@dataclass(frozen=True, slots=True)
class Operator:
    text: str  # as written
    base: str  # canonical base name: "StringNotLike"
    type: str  # string | numeric | date | bool | binary | ip | arn | null
    if_exists: bool
    set_qualifier: str | None  # "ForAllValues" | "ForAnyValue" | None
    negated: bool

    @property
    def name(self) -> str:
        """Canonical spelling: `ForAnyValue:StringLikeIfExists`."""
        prefix = f"{self.set_qualifier}:" if self.set_qualifier else ""
        return f"{prefix}{self.base}{IF_EXISTS if self.if_exists else ''}"

    @property
    def compare(self) -> str:
        return BASE_OPERATORS[self.base].compare

    @property
    def is_like(self) -> bool:
        """True if values may hold `*`/`?` wildcards (StringLike, ArnLike, ...)."""
        return self.compare in ("like", "arn") and self.base not in ("ArnEquals", "ArnNotEquals")


def parse_operator(text: Any, *, strict: bool = True) -> Operator | None:
    """Parse a condition operator such as `ForAnyValue:StringLikeIfExists`. None when it is
    not one IAM accepts. With `strict=False`, case mistakes (`stringequals`) are forgiven,
    which is how a linter reads an invalid document to check the rest of it."""
    if not isinstance(text, str):
        return None
    return _parse_operator(text, strict)


@lru_cache(maxsize=1024)
def _parse_operator(text: str, strict: bool) -> Operator | None:
    qualifier_text, sep, base_text = text.rpartition(":")
    qualifier: str | None = None
    if sep:
        qualifier = _canonical(qualifier_text, SET_QUALIFIERS, _QUALIFIER_BY_LOWER, strict)
        if qualifier is None:
            return None
    if_exists = base_text.endswith(IF_EXISTS) or (
        not strict and base_text.lower().endswith(IF_EXISTS.lower())
    )
    if if_exists:
        base_text = base_text[: -len(IF_EXISTS)]
    base = _canonical(base_text, BASE_OPERATORS, _BASE_BY_LOWER, strict)
    if base is None or (base == "Null" and if_exists):
        return None
    info = BASE_OPERATORS[base]
    return Operator(text, base, info.type, if_exists, qualifier, info.negated)


def _canonical(
    text: str, names: Iterable[str], by_lower: dict[str, str], strict: bool
) -> str | None:
    if text in names:
        return text
    return None if strict else by_lower.get(text.lower())


def all_operator_names() -> list[str]:
    """Every unqualified operator name, with and without `IfExists`."""
    names = list(BASE_OPERATORS)
    names += [f"{n}{IF_EXISTS}" for n in BASE_OPERATORS if n != "Null"]
    return names


def operator_problems(text: Any) -> list[str]:
    """Why a condition operator is invalid (rule P006), with a suggestion where one fits.
    Empty for a valid operator."""
    if not isinstance(text, str):
        return [f"a condition operator must be a string, not {type(text).__name__}"]
    if not text.strip():
        return ["the condition operator is empty"]
    problems: list[str] = []
    if text != text.strip():
        problems.append(f"condition operator `{text}` has surrounding whitespace")
        text = text.strip()
    qualifier_text, sep, base_text = text.rpartition(":")
    if sep:
        problems += _qualifier_problems(qualifier_text)
    problems += _base_problems(base_text)
    if problems:
        return problems
    op = parse_operator(text)
    if op is not None and op.base == "Null" and op.set_qualifier:
        always = "true" if op.set_qualifier == FOR_ALL_VALUES else "false"
        problems.append(
            f"`{text}` is always {always}: `Null` tests whether the key exists, "
            f"`{op.set_qualifier}:` makes that meaningless; use `Null` alone"
        )
    return problems


def _qualifier_problems(qualifier: str) -> list[str]:
    if qualifier in SET_QUALIFIERS:
        return []
    if ":" in qualifier:
        return [f"`{qualifier}:` has too many colons; use one of `ForAllValues:`, `ForAnyValue:`"]
    canonical = _QUALIFIER_BY_LOWER.get(qualifier.lower())
    if canonical:
        return [f"set operators are case-sensitive: write `{canonical}:`, not `{qualifier}:`"]
    import difflib

    close = difflib.get_close_matches(qualifier, SET_QUALIFIERS, n=1, cutoff=0.6)
    hint = (
        f" (did you mean `{close[0]}:`?)" if close else " (use `ForAllValues:` or `ForAnyValue:`)"
    )
    return [f"unknown set operator `{qualifier}:`{hint}"]


def _base_problems(base_text: str) -> list[str]:
    if base_text in BASE_OPERATORS:
        return []
    if base_text.endswith(IF_EXISTS) and base_text[: -len(IF_EXISTS)] in BASE_OPERATORS:
        if base_text == "NullIfExists":
            return ["`NullIfExists` is invalid: `IfExists` cannot be added to `Null`"]
        return []
    import difflib

    names = all_operator_names()
    by_lower = {n.lower(): n for n in names}
    canonical = by_lower.get(base_text.lower())
    if canonical:
        return [f"condition operators are case-sensitive: write `{canonical}`, not `{base_text}`"]
    if base_text.lower() == "nullifexists":
        return ["`NullIfExists` is invalid: `IfExists` cannot be added to `Null`"]
    close = difflib.get_close_matches(base_text, names, n=1, cutoff=0.75) or [
        by_lower[m]
        for m in difflib.get_close_matches(base_text.lower(), by_lower, n=1, cutoff=0.75)
    ]
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return [f"unknown condition operator `{base_text}`{hint}"]


# ---------------------------------------------------------------------------------------
# P007: does the operator fit the key's type?

# catalogue key type -> operator types that compare it meaningfully. Lenient where AWS
# itself is: String operators on ARN keys (the IAM guide: "a string operator would match when
# an ARN operator would not"), ARN operators on String keys that hold ARNs
# (`ArnLike` on `kms:EncryptionContext:aws:s3:arn`) and String operators on Bool keys
# (`StringEquals` on `aws:ViaAWSService`) both occur in AWS managed policies; Numeric
# operators on aws:EpochTime (type "Date|Numeric") are fine.
_FITS: dict[str, frozenset[str]] = {
    "String": frozenset({STRING, ARN}),
    "ArrayOfString": frozenset({STRING, ARN}),
    "ARN": frozenset({STRING, ARN}),
    "ArrayOfARN": frozenset({STRING, ARN}),
    "Numeric": frozenset({NUMERIC}),
    "ArrayOfNumeric": frozenset({NUMERIC}),
    "Date": frozenset({DATE}),
    "Bool": frozenset({BOOL, STRING}),
    "ArrayOfBool": frozenset({BOOL, STRING}),
    "IPAddress": frozenset({IP}),
    "Binary": frozenset({BINARY}),
}


def operator_fits_key_type(op: Operator | str, key_type: str | Iterable[str] | None) -> bool:
    """True if `op` compares values of `key_type` (a catalogue type such as "String",
    "ARN", "IPAddress", "Date|Numeric" or a tuple of them) meaningfully. Unknown operators,
    unknown types and `Null` always fit (other rules report those)."""
    operator = op if isinstance(op, Operator) else parse_operator(op, strict=False)
    if operator is None or operator.type == NULL or not key_type:
        return True
    types = key_type.split("|") if isinstance(key_type, str) else list(key_type)
    known = [t for t in types if t in _FITS]
    if not known:
        return True
    return any(operator.type in _FITS[t] for t in known)


def is_multivalued_type(key_type: str | Iterable[str] | None) -> bool:
    """Catalogue types `ArrayOf...` are multivalued keys (set operators apply to them)."""
    if not key_type:
        return False
    types = key_type.split("|") if isinstance(key_type, str) else list(key_type)
    return any(t.startswith("ArrayOf") for t in types)


# ---------------------------------------------------------------------------------------
# the request context


class ConditionContext:
    """What is known about the request's condition keys. Keys are case-insensitive.
    A key mapped to a string or a list of strings is present with those values; mapped to
    None it is known to be absent; not mentioned it is unknown - unless `complete`, in which
    case every key not mentioned is absent."""

    __slots__ = ("complete", "values")

    def __init__(self, values: Mapping[str, Any] | None = None, *, complete: bool = False):
        self.complete = complete
        self.values: dict[str, tuple[str, ...] | None] = {}
        for key, value in (values or {}).items():
            if isinstance(key, str):
                self.values[key.lower()] = _context_values(value)

    def lookup(self, key: str) -> tuple[str, ...] | EllipsisType | None:
        """The values (a tuple), None when absent, or `...` when unknown."""
        low = key.lower()
        if low in self.values:
            return self.values[low]
        return None if self.complete else ...


def _context_values(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(v for v in (_scalar_text(x) for x in value) if v is not None)
    text = _scalar_text(value)
    return (text,) if text is not None else ()


def as_context(context: ConditionContext | Mapping[str, Any] | None) -> ConditionContext:
    if isinstance(context, ConditionContext):
        return context
    return ConditionContext(context if isinstance(context, Mapping) else None)


# ---------------------------------------------------------------------------------------
# evaluation


def evaluate_condition(
    condition_block: Any,
    context: ConditionContext | Mapping[str, Any] | None = None,
    *,
    variables: bool = True,
) -> TriState:
    """Evaluate a statement's `Condition` block against what is known of the request.
    A key the context does not mention is UNKNOWN (unless `IfExists` / set-operator semantics
    decide regardless); pass a `ConditionContext(..., complete=True)` to say that unmentioned
    keys are absent. `variables=False` treats `${...}` literally (policy `Version` 2008-10-17).
    Malformed blocks and unknown operators give UNKNOWN."""
    if condition_block is None:
        return TRUE
    if not isinstance(condition_block, Mapping):
        return UNKNOWN
    ctx = as_context(context)
    return tri_all(
        _evaluate_operator(op_text, keys, ctx, variables)
        for op_text, keys in condition_block.items()
    )


def _evaluate_operator(op_text: Any, keys: Any, ctx: ConditionContext, variables: bool) -> TriState:
    op = parse_operator(op_text)
    if op is None or not isinstance(keys, Mapping):
        return UNKNOWN
    return tri_all(_evaluate_key(op, key, values, ctx, variables) for key, values in keys.items())


def _evaluate_key(
    op: Operator, key: Any, raw_values: Any, ctx: ConditionContext, variables: bool
) -> TriState:
    if not isinstance(key, str):
        return UNKNOWN
    policy_values = _policy_values(raw_values)
    if op.type == NULL:
        return _evaluate_null(op, key, policy_values, ctx)
    found = ctx.lookup(key)
    if found is ...:
        return UNKNOWN
    if not found:  # absent, or an empty set of values
        return _absent_result(op)
    return _present_result(op, found, policy_values, ctx, variables)


def _absent_result(op: Operator) -> TriState:
    if op.set_qualifier == FOR_ALL_VALUES:
        return TRUE
    if op.set_qualifier == FOR_ANY_VALUE:
        return FALSE
    return TRUE if op.if_exists or op.negated else FALSE


def _present_result(
    op: Operator,
    request_values: tuple[str, ...],
    policy_values: list[str | None],
    ctx: ConditionContext,
    variables: bool,
) -> TriState:
    def matches(value: str) -> TriState:
        return tri_any(_compare(op, value, p, ctx, variables) for p in policy_values)

    if op.set_qualifier == FOR_ALL_VALUES:
        return tri_all(~matches(v) if op.negated else matches(v) for v in request_values)
    if op.set_qualifier == FOR_ANY_VALUE:
        return tri_any(~matches(v) if op.negated else matches(v) for v in request_values)
    any_match = tri_any(matches(v) for v in request_values)
    return ~any_match if op.negated else any_match


def _evaluate_null(
    op: Operator, key: str, policy_values: list[str | None], ctx: ConditionContext
) -> TriState:
    if op.set_qualifier == FOR_ALL_VALUES:
        return TRUE
    if op.set_qualifier == FOR_ANY_VALUE:
        return FALSE
    found = ctx.lookup(key)
    results: list[TriState] = []
    for value in policy_values:
        wanted = value.lower() if value is not None else None
        if wanted not in ("true", "false") or found is ...:
            results.append(UNKNOWN)
        else:
            absent = not found
            results.append(TriState.of(absent == (wanted == "true")))
    return tri_any(results)


def _policy_values(raw: Any) -> list[str | None]:
    """Condition values as text; None for values that cannot be read (an unresolved
    CloudFormation intrinsic, a nested object), which compare as UNKNOWN."""
    items = raw if isinstance(raw, list) else [raw]
    return [_scalar_text(item) for item in items]


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return None


# ---------------------------------------------------------------------------------------
# comparing one request value with one policy value


def _compare(
    op: Operator, value: str, pattern: str | None, ctx: ConditionContext, variables: bool
) -> TriState:
    if pattern is None:
        return UNKNOWN
    if contains_placeholder(pattern):
        return _compare_placeholder(op, value, pattern)
    if variables and "${" in pattern and op.type in (STRING, ARN, BOOL):
        return _compare_template(op, value, pattern, ctx)
    return TriState.of(_compare_plain(op, value, pattern))


def _compare_placeholder(op: Operator, value: str, pattern: str) -> TriState:
    """An unresolved policy value (`${AWS::AccountId}`, `<account-id>`): FALSE when it could
    not match whatever the placeholder stands for, else UNKNOWN."""
    loose = loosen(pattern)
    if loose is None or op.type not in (STRING, ARN):
        return UNKNOWN
    if op.type == ARN:
        return UNKNOWN if arn_like(loose, value) else FALSE
    if op.compare == "eq_ic":
        return UNKNOWN if compile_glob(loose, True)(value.lower()) else FALSE
    return UNKNOWN if compile_glob(loose)(value) else FALSE


def _compare_plain(op: Operator, value: str, pattern: str) -> bool | None:
    kind = op.compare
    if op.type == STRING:
        if kind == "eq":
            return value == pattern
        if kind == "eq_ic":
            return value.casefold() == pattern.casefold()
        return compile_glob(pattern)(value)
    if op.type == ARN:
        return arn_like(pattern, value)
    if op.type == BOOL:
        return value.lower() == pattern.lower()
    if op.type == BINARY:
        return value == pattern
    if op.type == IP:
        return _ip_in(value, pattern)
    parse = _number if op.type == NUMERIC else _timestamp
    left, right = parse(value), parse(pattern)
    if left is None or right is None:
        return None
    return _order(kind, left, right)


def _order(kind: str, left: float, right: float) -> bool:
    if kind == "eq":
        return left == right
    if kind == "lt":
        return left < right
    if kind == "le":
        return left <= right
    if kind == "gt":
        return left > right
    return left >= right


def arn_like(pattern: str, value: str) -> bool:
    """`ArnLike`: each of the six colon-separated fields matches separately (`*` does not
    cross a colon). A pattern without six fields is matched as a whole string."""
    fields = pattern.split(":", 5)
    if len(fields) != 6:
        return compile_glob(pattern)(value)
    values = value.split(":", 5)
    if len(values) != 6:
        return False
    return all(compile_glob(f)(v) for f, v in zip(fields, values, strict=True))


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def _timestamp(text: str) -> float | None:
    import datetime as dt

    stripped = text.strip()
    number = _number(stripped)
    if number is not None:
        return number
    try:
        parsed = dt.datetime.fromisoformat(stripped.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.timestamp()


def _ip_in(value: str, pattern: str) -> bool | None:
    import ipaddress

    try:
        network = ipaddress.ip_network(pattern.strip(), strict=False)
        address = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None
    if network.version != address.version:
        return False
    return address.subnet_of(network)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# policy variables in condition values: ${aws:username}, ${aws:PrincipalTag/x, 'default'}

_VARIABLE = re.compile(r"\$\{([^{}]*)\}")
_DEFAULT = re.compile(r"(.*?)\s*,\s*'([^']*)'\s*")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


def iter_template(text: str) -> Iterator[tuple[str, str | None, str | None]]:
    """Split `text` into (literal, variable key, default) pieces; a literal piece has
    key None. The escapes `${*}`, `${?}`, `${$}` come back as literal pieces marked with key
    "" (they stand for the character itself, never a wildcard)."""
    pos = 0
    for match in _VARIABLE.finditer(text):
        if match.start() > pos:
            yield text[pos : match.start()], None, None
        body = match.group(1).strip()
        if body in _ESCAPES:
            yield _ESCAPES[body], "", None
        else:
            default = _DEFAULT.fullmatch(body)
            if default:
                yield "", default.group(1), default.group(2)
            else:
                yield "", body, None
        pos = match.end()
    if pos < len(text):
        yield text[pos:], None, None


def substitute(
    text: str, context: ConditionContext | Mapping[str, Any] | None, *, like: bool
) -> tuple[str, bool] | None:
    """Resolve policy variables in `text` to a regular expression (anchored by the caller):
    literal parts are globs when `like`, resolved values and escapes are literal, unknown
    variables become `.*`. Returns (regex, certain) where certain is False if any variable was
    unknown, or None when a variable is known to be absent without a default (IAM then
    treats the element as not matching)."""
    ctx = as_context(context)
    parts: list[str] = []
    certain = True
    for literal, key, default in iter_template(text):
        if key is None:
            parts.append(glob_to_regex(literal) if like else re.escape(literal))
        elif key == "":
            parts.append(re.escape(literal))
        else:
            found = ctx.lookup(key) if _is_iam_key(key) else ...
            if found is ...:
                parts.append(".*")
                certain = False
            elif found and len(found) == 1:
                parts.append(re.escape(found[0]))
            elif found:  # a multivalued key has no single substitution
                parts.append(".*")
                certain = False
            elif default is not None:
                parts.append(re.escape(default))
            else:
                return None
    return "".join(parts), certain


def resolve_text(
    text: str, context: ConditionContext | Mapping[str, Any] | None
) -> str | EllipsisType | None:
    """`text` with its policy variables replaced by their values: `...` when one is unknown,
    None when one is absent without a default. Escapes become their character."""
    ctx = as_context(context)
    parts: list[str] = []
    for literal, key, default in iter_template(text):
        if not key:
            parts.append(literal)
            continue
        found = ctx.lookup(key) if _is_iam_key(key) else ...
        if found is ... or (found and len(found) > 1):
            return ...
        if found:
            parts.append(found[0])
        elif default is not None:
            parts.append(default)
        else:
            return None
    return "".join(parts)


def _is_iam_key(key: str) -> bool:
    """`aws:username` is an IAM variable; `AWS::AccountId` or `ACCOUNT_ID` in `${...}` is an
    unresolved CloudFormation/shell placeholder, never resolved from the request context."""
    return is_policy_variable("${" + key + "}")


def _compare_template(op: Operator, value: str, pattern: str, ctx: ConditionContext) -> TriState:
    resolved = substitute(pattern, ctx, like=op.compare in ("like", "arn"))
    if resolved is None:
        return FALSE
    regex, certain = resolved
    flags = re.DOTALL | (re.IGNORECASE if op.compare == "eq_ic" or op.type == BOOL else 0)
    if op.type == ARN:
        text = resolve_text(pattern, ctx)
        if text is None:
            return FALSE
        return UNKNOWN if text is ... else TriState.of(arn_like(text, value))
    matched = _regex(regex, flags).fullmatch(value) is not None
    if not matched:
        return FALSE
    return TRUE if certain else UNKNOWN


@lru_cache(maxsize=4096)
def _regex(regex: str, flags: int) -> re.Pattern[str]:
    return re.compile(regex, flags)
