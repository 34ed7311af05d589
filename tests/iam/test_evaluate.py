"""Three-valued policy evaluation, checked by hand and against a brute-force reference."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamlint.iam.evaluate import (
    ActionDecisions,
    Decision,
    PolicyRef,
    Request,
    allows_all,
    evaluate,
)

MANAGED = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "managed-policies"

ACCOUNT, OTHER = "111122223333", "444455556666"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/node"
ROLE_WITH_PATH = f"arn:aws:iam::{ACCOUNT}:role/eks/node"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/node/i-0abc"
REPO = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/app"
PULL = {
    "ecr:GetAuthorizationToken": "*",
    "ecr:BatchGetImage": REPO,
    "ecr:GetDownloadUrlForLayer": REPO,
}


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    if version:
        doc["Version"] = version
    return doc


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def identity(*statements: dict[str, Any], **kw: Any) -> list[PolicyRef]:
    return [PolicyRef("inline", policy(*statements, **kw))]


def decide(
    request: Request, identity_policies: list[PolicyRef], resource: dict[str, Any] | None = None,
    same_account: bool = True,
) -> Decision:  # fmt: skip
    ref = PolicyRef("repository policy", resource) if resource is not None else None
    return evaluate(request, identity_policies, ref, same_account).decision


# --- identity policies ----------------------------------------------------------------------


def test_allow_with_wildcards_and_case() -> None:
    policies = identity(
        allow("ECR:Get*"), allow(["ecr:BatchGetImage"], "arn:aws:ecr:*:*:repository/*")
    )
    assert decide(Request("ecr:GetAuthorizationToken"), policies) is Decision.ALLOWED
    assert decide(Request("ecr:batchgetimage", REPO), policies) is Decision.ALLOWED
    assert decide(Request("ecr:BatchGetImage", "*"), policies) is Decision.DENIED
    assert decide(Request("ecr:PutImage", REPO), policies) is Decision.DENIED


def test_reasons_name_the_deciding_statements() -> None:
    policies = [PolicyRef("pull", policy(allow("ecr:*", Sid="Pull")))]
    result = evaluate(Request("ecr:BatchGetImage", REPO), policies)
    assert result.allowed and not result.explicit_deny
    (reason,) = result.reasons
    assert (reason.label, reason.path, reason.sid, reason.effect) == (
        "pull",
        ("Statement", 0),
        "Pull",
        "Allow",
    )
    assert reason.kind == "identity" and reason.certain
    assert str(reason) == "pull (Sid 'Pull')"


def test_explicit_deny_wins() -> None:
    policies = identity(allow("*"), deny("ecr:BatchGetImage", REPO))
    result = evaluate(Request("ecr:BatchGetImage", REPO), policies)
    assert result.denied and result.explicit_deny
    assert [r.path for r in result.reasons] == [("Statement", 1)]
    assert decide(Request("ecr:GetDownloadUrlForLayer", REPO), policies) is Decision.ALLOWED


def test_no_allow_is_an_implicit_deny() -> None:
    result = evaluate(Request("ecr:BatchGetImage", REPO), identity(allow("s3:*")))
    assert result.denied and not result.explicit_deny and result.reasons == ()
    assert evaluate(Request("ecr:BatchGetImage", REPO), []).denied


def test_deny_with_an_undecidable_condition_makes_an_allow_unknown() -> None:
    vpc_only = deny("ecr:*", Condition={"StringNotEquals": {"aws:SourceVpc": "vpc-1"}})
    policies = identity(allow("ecr:*"), vpc_only)
    result = evaluate(Request("ecr:BatchGetImage", REPO), policies)
    assert result.unknown
    assert [r.effect for r in result.uncertain] == ["Deny"]
    in_vpc = Request("ecr:BatchGetImage", REPO, context={"aws:SourceVpc": "vpc-1"})
    assert decide(in_vpc, policies) is Decision.ALLOWED
    outside = Request("ecr:BatchGetImage", REPO, context={"aws:SourceVpc": "vpc-2"})
    assert evaluate(outside, policies).explicit_deny


def test_unknown_allow_and_unknown_deny_without_allow() -> None:
    conditional = allow("ecr:*", Condition={"Bool": {"aws:SecureTransport": "true"}})
    assert decide(Request("ecr:BatchGetImage", REPO), identity(conditional)) is Decision.UNKNOWN
    only_deny = identity(deny("ecr:*", Condition={"Bool": {"aws:SecureTransport": "false"}}))
    assert decide(Request("ecr:BatchGetImage", REPO), only_deny) is Decision.DENIED


def test_not_action_and_not_resource() -> None:
    policies = identity({"Effect": "Allow", "NotAction": ["iam:*", "ecr:Put*"], "Resource": "*"})
    assert decide(Request("ecr:BatchGetImage", REPO), policies) is Decision.ALLOWED
    assert decide(Request("ecr:PutImage", REPO), policies) is Decision.DENIED
    assert decide(Request("IAM:PassRole", ROLE), policies) is Decision.DENIED
    not_resource = identity({"Effect": "Allow", "Action": "ecr:*", "NotResource": REPO})
    assert decide(Request("ecr:BatchGetImage", REPO), not_resource) is Decision.DENIED
    assert decide(Request("ecr:BatchGetImage", REPO + "2"), not_resource) is Decision.ALLOWED


def test_invalid_statements_grant_nothing() -> None:
    for statement in [
        {"Effect": "Allow", "Action": "ecr:*"},  # identity statement without Resource
        {"Effect": "allow", "Action": "ecr:*", "Resource": "*"},  # Effect is case-sensitive
        {"Effect": "Allow", "Action": "ecr:*", "NotAction": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Resource": "*"},
        {"Effect": "Allow", "Action": "ecr:*", "Resource": "*", "NotResource": "x"},
    ]:
        assert decide(Request("ecr:BatchGetImage", REPO), identity(statement)) is Decision.DENIED


def test_policy_variables_in_resources() -> None:
    home = allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:username}/*")
    target = "arn:aws:s3:::bucket/home/alice/notes.txt"
    policies = identity(home)
    alice = Request("s3:GetObject", target, context={"aws:username": "alice"})
    bob = Request("s3:GetObject", target, context={"aws:username": "bob"})
    assert decide(alice, policies) is Decision.ALLOWED
    assert decide(bob, policies) is Decision.DENIED
    assert decide(Request("s3:GetObject", target), policies) is Decision.UNKNOWN
    elsewhere = Request("s3:GetObject", "arn:aws:s3:::bucket/shared/x")
    assert decide(elsewhere, policies) is Decision.DENIED  # cannot match whoever asks
    absent = Request("s3:GetObject", target, context={}, complete_context=True)
    assert decide(absent, policies) is Decision.DENIED
    # Version 2008-10-17: `${aws:username}` is literal text
    assert decide(alice, identity(home, version="2008-10-17")) is Decision.DENIED


def test_placeholders_in_resources_are_unknown() -> None:
    placeholder = identity(
        allow("ecr:BatchGetImage", "arn:aws:ecr:us-east-1:<ACCOUNT_ID>:repository/app")
    )
    assert decide(Request("ecr:BatchGetImage", REPO), placeholder) is Decision.UNKNOWN
    other_repo = REPO.replace("/app", "/web")
    assert decide(Request("ecr:BatchGetImage", other_repo), placeholder) is Decision.DENIED
    cfn = identity(
        allow("ecr:BatchGetImage", "arn:aws:ecr:${AWS::Region}:${AWS::AccountId}:repository/*")
    )
    assert decide(Request("ecr:BatchGetImage", REPO), cfn) is Decision.UNKNOWN
    word = identity(allow("ecr:BatchGetImage", "arn:aws:ecr:REGION:ACCOUNT_ID:repository/app"))
    assert decide(Request("ecr:BatchGetImage", REPO), word) is Decision.UNKNOWN


def test_unreadable_values_make_a_non_match_unknown() -> None:
    intrinsic = identity(allow("ecr:BatchGetImage", [{"Fn::GetAtt": ["Repo", "Arn"]}]))
    assert decide(Request("ecr:BatchGetImage", REPO), intrinsic) is Decision.UNKNOWN
    assert decide(Request("s3:GetObject", REPO), intrinsic) is Decision.DENIED


# --- resource policies ------------------------------------------------------------------------


def repo_policy(
    principal: Any, effect: str = "Allow", actions: Any = "ecr:BatchGetImage", **kw: Any
) -> dict:
    return policy({"Effect": effect, "Principal": principal, "Action": actions, **kw})


def test_same_account_resource_policy_naming_the_role_allows_alone() -> None:
    request = Request("ecr:BatchGetImage", REPO, principal=ROLE)
    assert decide(request, [], repo_policy({"AWS": ROLE})) is Decision.ALLOWED
    assert decide(request, [], repo_policy({"AWS": "*"})) is Decision.ALLOWED
    assert decide(request, [], repo_policy("*")) is Decision.ALLOWED
    assert (
        decide(request, [], repo_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:role/other"}))
        is Decision.DENIED
    )


def test_same_account_root_principal_delegates_to_identity_policies() -> None:
    request = Request("ecr:BatchGetImage", REPO, principal=ROLE)
    root = repo_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert decide(request, [], root) is Decision.DENIED
    assert decide(request, [], repo_policy({"AWS": ACCOUNT})) is Decision.DENIED
    assert decide(request, identity(allow("ecr:*")), root) is Decision.ALLOWED


def test_cross_account_needs_both_sides() -> None:
    caller = f"arn:aws:iam::{OTHER}:role/node"
    request = Request("ecr:BatchGetImage", REPO, principal=caller)
    pull = identity(allow("ecr:*"))
    assert decide(request, pull, None, same_account=False) is Decision.DENIED
    assert decide(request, [], repo_policy({"AWS": caller}), same_account=False) is Decision.DENIED
    assert (
        decide(request, pull, repo_policy({"AWS": caller}), same_account=False) is Decision.ALLOWED
    )
    root = repo_policy({"AWS": f"arn:aws:iam::{OTHER}:root"})
    assert decide(request, pull, root, same_account=False) is Decision.ALLOWED
    wrong = repo_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert decide(request, pull, wrong, same_account=False) is Decision.DENIED


def test_role_sessions_match_the_role_principal() -> None:
    session = Request("ecr:BatchGetImage", REPO, principal=SESSION)
    assert decide(session, [], repo_policy({"AWS": ROLE})) is Decision.ALLOWED
    assert decide(session, [], repo_policy({"AWS": ROLE_WITH_PATH})) is Decision.ALLOWED
    assert decide(session, [], repo_policy({"AWS": SESSION})) is Decision.ALLOWED
    other_session = SESSION.replace("i-0abc", "i-0def")
    assert decide(session, [], repo_policy({"AWS": other_session})) is Decision.DENIED
    # a role principal written with a path still names the role
    by_path = Request("ecr:BatchGetImage", REPO, principal=ROLE_WITH_PATH)
    assert decide(by_path, [], repo_policy({"AWS": ROLE})) is Decision.ALLOWED


def test_resource_policy_deny_and_not_principal() -> None:
    request = Request("ecr:BatchGetImage", REPO, principal=ROLE)
    denied = repo_policy({"AWS": ROLE}, effect="Deny")
    result = evaluate(request, identity(allow("ecr:*")), PolicyRef("repo", denied))
    assert result.denied and result.explicit_deny and result.reasons[0].kind == "resource"
    not_principal = policy({"Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "ecr:*"})
    assert decide(request, identity(allow("ecr:*")), not_principal) is Decision.ALLOWED
    stranger = Request("ecr:BatchGetImage", REPO, principal=f"arn:aws:iam::{ACCOUNT}:role/x")
    assert decide(stranger, identity(allow("ecr:*")), not_principal) is Decision.DENIED


def test_not_principal_excludes_only_what_it_names_exactly() -> None:
    pull = identity(allow("ecr:*"))
    session = Request("ecr:BatchGetImage", REPO, principal=SESSION)
    role_only = policy({"Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "ecr:*"})
    assert decide(session, pull, role_only) is Decision.DENIED  # the session is not excluded
    with_session = policy(
        {"Effect": "Deny", "NotPrincipal": {"AWS": [ROLE, SESSION]}, "Action": "ecr:*"}
    )
    assert decide(session, pull, with_session) is Decision.ALLOWED
    account = policy({"Effect": "Deny", "NotPrincipal": {"AWS": ACCOUNT}, "Action": "ecr:*"})
    assert decide(Request("ecr:BatchGetImage", REPO, ROLE), pull, account) is Decision.DENIED


def test_unknown_or_placeholder_principals() -> None:
    unknown_caller = Request("ecr:BatchGetImage", REPO)
    assert decide(unknown_caller, [], repo_policy({"AWS": ROLE})) is Decision.UNKNOWN
    assert decide(unknown_caller, [], repo_policy({"AWS": "*"})) is Decision.ALLOWED
    request = Request("ecr:BatchGetImage", REPO, principal=ROLE)
    placeholder = repo_policy({"AWS": "arn:aws:iam::<ACCOUNT_ID>:role/node"})
    assert decide(request, [], placeholder) is Decision.UNKNOWN
    service = repo_policy({"Service": "codebuild.amazonaws.com"})
    assert decide(request, [], service) is Decision.DENIED
    as_service = Request("ecr:BatchGetImage", REPO, principal="codebuild.amazonaws.com")
    assert decide(as_service, [], service) is Decision.ALLOWED


def test_resource_policy_conditions() -> None:
    org_only = repo_policy("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}})
    request = Request("ecr:BatchGetImage", REPO, principal=ROLE)
    assert decide(request, [], org_only) is Decision.UNKNOWN
    in_org = Request(
        "ecr:BatchGetImage", REPO, principal=ROLE, context={"aws:PrincipalOrgID": "o-1"}
    )
    assert decide(in_org, [], org_only) is Decision.ALLOWED


# --- allows_all ---------------------------------------------------------------------------------


def test_allows_all_ecr_pull() -> None:
    policies = identity(allow("ecr:GetAuthorizationToken"), allow(["ecr:BatchGetImage"], REPO))
    result = allows_all(PULL, identity_policies=policies, principal=ROLE)
    assert isinstance(result, ActionDecisions)
    assert result["ecr:GetAuthorizationToken"].allowed and result["ecr:BatchGetImage"].allowed
    assert result.denied == ["ecr:GetDownloadUrlForLayer"]
    assert result.decision is Decision.DENIED and result.explicitly_denied == []
    same_resource = allows_all(
        ["ecr:BatchGetImage", "ecr:PutImage"], REPO, identity_policies=policies
    )
    assert list(same_resource) == ["ecr:BatchGetImage", "ecr:PutImage"]
    assert same_resource.decision is Decision.DENIED


def test_allows_all_unknown_and_allowed() -> None:
    conditional = identity(allow("ecr:*", Condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}}))
    result = allows_all(PULL, identity_policies=conditional)
    assert result.decision is Decision.UNKNOWN and len(result.unknown) == 3
    everything = allows_all(PULL, identity_policies=identity(allow("*")))
    assert everything.decision is Decision.ALLOWED


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("AmazonEC2ContainerRegistryReadOnly", True),
        ("AmazonEC2ContainerRegistryPullOnly", True),
        ("AmazonEKSWorkerNodePolicy", False),
        ("AmazonECSTaskExecutionRolePolicy", True),
        ("AdministratorAccess", True),
        ("PowerUserAccess", True),  # NotAction with Allow on *
        ("ReadOnlyAccess", True),
    ],
)
def test_managed_policies_and_ecr_pulls(name: str, allowed: bool) -> None:
    path = MANAGED / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    ref = PolicyRef(name, json.loads(path.read_text(encoding="utf-8")))
    result = allows_all(PULL, identity_policies=[ref], principal=ROLE)
    assert (result.decision is Decision.ALLOWED) is allowed, {
        a: e.decision for a, e in result.items()
    }


def test_every_managed_policy_evaluates() -> None:
    if not MANAGED.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    refs = [
        PolicyRef(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in MANAGED.glob("*.json")
    ]
    decisions = {
        ref.label: evaluate(Request("ecr:BatchGetImage", REPO, ROLE), [ref]).decision
        for ref in refs
    }
    assert len(decisions) > 1000
    assert set(decisions.values()) <= set(Decision)
    assert decisions.get("AmazonS3ReadOnlyAccess", Decision.DENIED) is Decision.DENIED


@pytest.mark.parametrize(
    "document",
    [None, "x", [], {"Statement": 5}, {"Statement": [None, "x", {"Effect": "Allow", "Action": 5}]}],
)
def test_junk_documents_allow_nothing(document: Any) -> None:
    result = evaluate(Request("ecr:BatchGetImage", REPO, ROLE), [PolicyRef("junk", document)],
                      PolicyRef("junk", document))  # fmt: skip
    assert result.denied


# --- brute force: compare with a straightforward reference on a tiny universe -------------

ACTIONS = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:PutImage", "s3:GetObject"]
ACTION_PATTERNS = [
    *ACTIONS,
    "ecr:*",
    "*",
    "ecr:Get*",
    "ECR:batchgetimage",
    "s3:?etObject",
    "ecr:*Image",
]
RESOURCES = ["*", REPO, REPO.replace("/app", "/web"), "arn:aws:s3:::bucket/key"]
RESOURCE_PATTERNS = [
    *RESOURCES,
    "arn:aws:ecr:*:*:repository/*",
    "arn:aws:ecr:*:*:repository/a??",
    "arn:aws:s3:::bucket*",
]
CALLERS = [ROLE, SESSION, f"arn:aws:iam::{OTHER}:role/node"]
PRINCIPALS: list[Any] = [
    "*",
    {"AWS": "*"},
    {"AWS": ROLE},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    {"AWS": OTHER},
    {"AWS": [f"arn:aws:iam::{OTHER}:role/node", f"arn:aws:iam::{ACCOUNT}:role/other"]},
    {"Service": "ecs-tasks.amazonaws.com"},
]
CONDITIONS: list[Any] = [
    None,
    {"StringEquals": {"k:x": "v"}},
    {"StringNotEquals": {"k:x": "v"}},
    {"StringEqualsIfExists": {"k:x": "w"}},
    {"StringLike": {"k:x": "v*"}},
    {"Null": {"k:x": "true"}},
]
WORLD_VALUES = ["v", "w", None]  # None: the key is absent from the request


@st.composite
def statements(draw: st.DrawFn, resource_policy: bool) -> dict[str, Any]:
    stmt: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    key = draw(st.sampled_from(["Action", "NotAction"]))
    stmt[key] = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=2))
    keys = ["Resource", "NotResource", None] if resource_policy else ["Resource", "NotResource"]
    resource_key = draw(st.sampled_from(keys))
    if resource_key:
        stmt[resource_key] = draw(
            st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2)
        )
    if resource_policy:
        principal_key = draw(st.sampled_from(["Principal", "Principal", "NotPrincipal"]))
        stmt[principal_key] = draw(st.sampled_from(PRINCIPALS))
    condition = draw(st.sampled_from(CONDITIONS))
    if condition is not None:
        stmt["Condition"] = condition
    return stmt


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    identity_docs = draw(st.lists(st.lists(statements(False), max_size=3), max_size=2))
    resource_doc = draw(st.none() | st.lists(statements(True), min_size=1, max_size=3))
    return {
        "identity": identity_docs,
        "resource": resource_doc,
        "action": draw(st.sampled_from(ACTIONS)),
        "target": draw(st.sampled_from(RESOURCES)),
        "caller": draw(st.sampled_from(CALLERS)),
        "context": draw(st.sampled_from(["v", "w", None, "unknown"])),
    }


@cache
def _glob(pattern: str, value: str) -> bool:
    """Recursive IAM glob, independent of the implementation under test."""
    if not pattern:
        return not value
    head = pattern[0]
    if head == "*":
        return _glob(pattern[1:], value) or (bool(value) and _glob(pattern, value[1:]))
    if not value:
        return False
    return (head == "?" or head == value[0]) and _glob(pattern[1:], value[1:])


def _ref_condition(condition: Any, world: str | None) -> bool:
    if condition is None:
        return True
    (operator, keys), = condition.items()  # fmt: skip
    wanted = keys["k:x"]
    if operator == "StringEquals":
        return world == wanted
    if operator == "StringNotEquals":
        return world != wanted
    if operator == "StringEqualsIfExists":
        return world is None or world == wanted
    if operator == "StringLike":
        return world is not None and _glob(wanted, world)
    return world is None  # Null: true


def _ref_principal(principal: Any, caller: str) -> str | None:
    """'direct', 'account' or None."""
    if principal == "*":
        return "direct"
    account = caller.split(":")[4]
    role = "arn:aws:iam::{}:role/{}".format(account, caller.split("/")[1])
    level = None
    for kind, values in principal.items():
        for value in [values] if isinstance(values, str) else values:
            if kind != "AWS":
                continue
            if value in ("*", caller, role):
                return "direct"
            if value in (account, f"arn:aws:iam::{account}:root"):
                level = "account"
    return level


def _ref_applies(stmt: dict[str, Any], action: str, target: str, caller: str, world: str | None,
                 resource_policy: bool) -> str | None:  # fmt: skip
    if "Action" in stmt:
        if not any(_glob(p.lower(), action.lower()) for p in stmt["Action"]):
            return None
    elif any(_glob(p.lower(), action.lower()) for p in stmt["NotAction"]):
        return None
    if "Resource" in stmt:
        if not any(_glob(p, target) for p in stmt["Resource"]):
            return None
    elif "NotResource" in stmt:
        if any(_glob(p, target) for p in stmt["NotResource"]):
            return None
    elif not resource_policy:
        return None
    if not _ref_condition(stmt.get("Condition"), world):
        return None
    if not resource_policy:
        return "direct"
    if "Principal" in stmt:
        return _ref_principal(stmt["Principal"], caller)
    return None if _ref_excluded(stmt["NotPrincipal"], caller) else "direct"


def _ref_excluded(not_principal: Any, caller: str) -> bool:
    """NotPrincipal excludes the identities it names exactly, nothing more."""
    if not_principal == "*":
        return True
    values = not_principal.get("AWS", [])
    values = [values] if isinstance(values, str) else values
    return "*" in values or caller in values


def _reference(s: dict[str, Any], world: str | None) -> Decision:
    same_account = s["caller"].split(":")[4] == ACCOUNT
    args = (s["action"], s["target"], s["caller"], world)
    identity_stmts = [stmt for doc in s["identity"] for stmt in doc]
    resource_stmts = s["resource"] or []
    if any(st_["Effect"] == "Deny" and _ref_applies(st_, *args, False) for st_ in identity_stmts):
        return Decision.DENIED
    if any(st_["Effect"] == "Deny" and _ref_applies(st_, *args, True) for st_ in resource_stmts):
        return Decision.DENIED
    identity_allow = any(
        _ref_applies(x, *args, False) for x in identity_stmts if x["Effect"] == "Allow"
    )
    levels = {_ref_applies(x, *args, True) for x in resource_stmts if x["Effect"] == "Allow"}
    if same_account:
        allowed = identity_allow or "direct" in levels
    else:
        allowed = identity_allow and bool(levels & {"direct", "account"})
    return Decision.ALLOWED if allowed else Decision.DENIED


def _run(s: dict[str, Any]) -> Decision:
    if s["context"] == "unknown":
        context: dict[str, Any] = {}
    else:
        context = {"k:x": s["context"]}
    request = Request(s["action"], s["target"], s["caller"], context)
    policies = [PolicyRef(f"identity {i}", policy(*doc)) for i, doc in enumerate(s["identity"])]
    resource = PolicyRef("resource", policy(*s["resource"])) if s["resource"] is not None else None
    same_account = s["caller"].split(":")[4] == ACCOUNT
    return evaluate(request, policies, resource, same_account).decision


@settings(max_examples=400, deadline=None)
@given(scenarios())
def test_evaluate_agrees_with_brute_force_reference(s: dict[str, Any]) -> None:
    worlds = WORLD_VALUES if s["context"] == "unknown" else [s["context"]]
    expected = {_reference(s, world) for world in worlds}
    got = _run(s)
    if len(worlds) == 1:
        assert got is expected.pop()  # everything known: exact
    elif got is not Decision.UNKNOWN:
        assert expected == {got}  # sound: a definite answer holds in every possible world
    elif len(expected) == 1:
        # UNKNOWN although every world agrees: allowed only when two conditions on the same
        # key complement each other, which a per-statement three-valued logic cannot see
        assert _statements_with_conditions(s) >= 2


def _statements_with_conditions(s: dict[str, Any]) -> int:
    statements = [x for doc in s["identity"] for x in doc] + (s["resource"] or [])
    return sum(1 for x in statements if "Condition" in x)
