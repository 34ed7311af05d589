"""E001 pull-permission-missing: the role that pulls an ECR image lacks a required pull action.

## What it does
Finds who pulls each private ECR image of the inputs and evaluates that role's identity
policies with real IAM semantics (inline, attached AWS managed and customer managed
policies; wildcards, `NotAction`, `Resource` ARNs; see `iamlint.iam.evaluate`):
- the task execution role of an ECS task definition pulls its containers' images;
- the pod execution role of an EKS Fargate profile pulls the images of the pods its
  selectors (namespace and labels) match;
- the node role of an EKS node group pulls the images of the other pods of its cluster (of
  untainted node groups for pods without node selector or affinity; pods with scheduling
  constraints only when all node groups share one role), and the EKS add-on images every
  node runs (VPC CNI, kube-proxy, from account 602401143452).

A pull needs `ecr:GetAuthorizationToken` on `*` and `ecr:BatchGetImage` and
`ecr:GetDownloadUrlForLayer` on the repository ARN (`ecr:BatchCheckLayerAvailability` is
not needed). The rule reports only when no policy allows an action (an implicit deny). An
explicit `Deny` is E007's; a condition that cannot be decided statically, an attached
policy or part of the role not in the inputs, or a repository ARN with an unknown part give
no finding. Pods with `imagePullSecrets` are not judged.

## Why it matters
The kubelet or the ECS agent cannot get a registry token or the image manifest: pods stay in
`ImagePullBackOff` with `no basic auth credentials` (nodes) or `401 Unauthorized` (Fargate),
and ECS tasks stop with `CannotPullContainerError ... not authorized to perform:
ecr:BatchGetImage` (seed 002).

## Example
A node group's role has no ECR permission, and a Deployment of its cluster runs
`111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2` (CloudFormation):
```yaml
NodeRole:
  Type: AWS::IAM::Role
  Properties:
    RoleName: prod-nodes
    AssumeRolePolicyDocument:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Service: ec2.amazonaws.com}
          Action: sts:AssumeRole
    ManagedPolicyArns:
      - arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy
      - arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy
NodeGroup:
  Type: AWS::EKS::Nodegroup
  Properties:
    ClusterName: prod
    NodeRole: !GetAtt NodeRole.Arn
    Subnets: [subnet-0a1b2c3d]
```

## Fix
Attach `AmazonEC2ContainerRegistryPullOnly` (or `...ReadOnly`) to a node role,
`AmazonEKSFargatePodExecutionRolePolicy` to a Fargate pod execution role,
`service-role/AmazonECSTaskExecutionRolePolicy` to an ECS task execution role, or allow the
three actions in a policy of your own (`ecr:GetAuthorizationToken` on `*`). For the node
role above (`iamlint check --fix` makes this change in CloudFormation templates):
```yaml
    ManagedPolicyArns:
      - arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy
      - arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy
      - arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly
```

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/ECR_on_EKS.html
- https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
- https://docs.aws.amazon.com/eks/latest/userguide/pod-execution-role.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- https://repost.aws/knowledge-center/eks-ecr-troubleshooting
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from iamlint.finding import Finding, Fix
from iamlint.load.document import Pointer
from iamlint.model import Model, Role
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._pull import (
    AUTH_ACTION,
    PULL_POLICY,
    PULLER_LABEL,
    Pull,
    PullCheck,
    RepositoryCheck,
    code_list,
    pull_checks,
    role_anchor,
)
from iamlint.rules.edits import append_to_list, fix, insert_first_key
from iamlint.rules.registry import rule

if TYPE_CHECKING:
    from iamlint.iam.evaluate import ActionDecisions


@rule(
    "E001",
    "pull-permission-missing",
    "error",
    "The role that pulls an ECR image lacks `ecr:GetAuthorizationToken`, `ecr:BatchGetImage` "
    "or `ecr:GetDownloadUrlForLayer`.",
    reads=("role_uses", "roles", "workloads", "task_definitions", "managed_policies"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for pull_check in pull_checks(model):
        auth_missing = implicitly_denied(pull_check.auth)
        repositories = [
            (repo, implicitly_denied(repo.identity)) for repo in pull_check.repositories
        ]
        repositories = [(repo, miss) for repo, miss in repositories if miss and repo.certain]
        pulls = [p for repo in pull_check.repositories for p in repo.pulls]
        if auth_missing:
            missing = auth_missing + sorted({a for _, m in repositories for a in m})
            yield _finding(pull_check, pulls, missing, None)
            continue
        for repo, missing in repositories:
            yield _finding(pull_check, repo.pulls, missing, repo)
        if not repositories and _undecided(pull_check):
            yield _not_checked(pull_check, pulls)


def implicitly_denied(decisions: ActionDecisions) -> list[str]:
    return [action for action, e in decisions.items() if e.denied and not e.explicit_deny]


def _finding(
    pull_check: PullCheck, pulls: list[Pull], missing: list[str], repo: RepositoryCheck | None
) -> Finding:
    usage = pull_check.usage
    images = _images(pulls)
    where = f" on `{repo.arn}`" if repo is not None else ""
    attach = PULL_POLICY[usage]
    fix = (
        f"allow them on the repository or attach `{attach}`"
        if repo is not None
        else f"attach `{attach}`"
    )
    if AUTH_ACTION in missing and len(missing) == 1:
        fix = f"attach `{attach}` (or allow `{AUTH_ACTION}` on `*`)"
    message = (
        f"{PULLER_LABEL[usage]} `{pull_check.label}` cannot pull {images}: "
        f"no policy allows {code_list(missing, 'or')}{where}; {fix}"
    )
    return finding(
        "E001",
        role_anchor(pull_check.role),
        message,
        resource=pull_check.role.arn or pull_check.label,
        related=_related(pulls),
        discriminator=f"{pull_check.role.arn}:{repo.arn if repo else AUTH_ACTION}",
        fixes=_attach_fix(pull_check.role, attach),
    )


def _attach_fix(role: Role, policy_name: str) -> list[Fix]:
    """In a CloudFormation template: add the AWS managed pull policy to `ManagedPolicyArns`
    (a new list when the role has none). Other sources (plans, CLI output) are not sources
    to edit: the message says what to attach."""
    properties = role.pointer.child("Properties")
    if role.origin != "cloudformation" or not isinstance(properties.value, dict):
        return []
    arn = f"arn:aws:iam::aws:policy/{policy_name}"
    attached = properties.value.get("ManagedPolicyArns")
    if attached is None:
        edit = insert_first_key(properties, "ManagedPolicyArns", [arn])
    elif isinstance(attached, list) and arn not in attached:
        edit = append_to_list(properties.child("ManagedPolicyArns"), arn)
    else:
        return []
    return fix(f"attach `{arn}`", edit)


def _undecided(pull_check: PullCheck) -> bool:
    """Unknown only because policies of the role are not in the inputs."""
    if not pull_check.permissions.missing:
        return False
    decisions = [pull_check.auth, *(r.identity for r in pull_check.repositories if r.certain)]
    return any(d.unknown for d in decisions)


def _not_checked(pull_check: PullCheck, pulls: list[Pull]) -> Finding:
    lacking = "; ".join(pull_check.permissions.missing)
    return finding(
        "X006",
        role_anchor(pull_check.role),
        f"whether {PULLER_LABEL[pull_check.usage]} `{pull_check.label}` can pull "
        f"{_images(pulls)} was not checked (E001): the inputs lack {lacking}",
        resource=pull_check.role.arn or pull_check.label,
        discriminator=f"E001:{pull_check.role.arn}",
    )


def _images(pulls: list[Pull]) -> str:
    """`img` (Deployment x, container y), with how many more; the EKS add-on images (pulls
    without a place in the inputs) named as such."""
    own = [p for p in pulls if p.image_pointer is not None]
    system = [p for p in pulls if p.image_pointer is None]
    if not own:
        return f"{system[0].consumer} from `{system[0].image.registry}`"
    texts = list(dict.fromkeys(p.image_text for p in own))
    more = len(texts) - 1
    text = f"`{texts[0]}` ({own[0].consumer})"
    if more:
        text += f" and {more} more image{'s' if more > 1 else ''}"
    if system:
        text += ", and the EKS add-on images every node runs"
    return text


def _related(pulls: list[Pull]) -> list[tuple[Pointer, str]]:
    related: list[tuple[Pointer, str]] = []
    seen: set[tuple[str, tuple[object, ...]]] = set()
    for pull in pulls:
        for pointer, note in (
            (pull.use.pointer, f"{pull.owner_label} uses the role"),
            (pull.image_pointer, f"image pulled with it ({pull.consumer})"),
        ):
            if pointer is None:
                continue
            key = (pointer.file, pointer.path)
            if key not in seen:
                seen.add(key)
                related.append((pointer, note))
    return related
