"""`iamlint trace`: the chain of identity behind a workload, as a tree of links.

- ServiceAccount -> role-arn annotation -> role -> trust statement -> OIDC provider ->
  cluster issuer;
- NodeGroup -> node role -> aws-auth mapping / access entry -> ECR pull permission ->
  repository policy;
- TaskDefinition -> task role, execution role -> ECR pull permission -> repository policy.

Each link is `ok`, `broken` or `unknown`, with where it is written. The verdicts are those
the rules draw (`iamlint.rules.i._irsa.bindings`, `iamlint.rules.e._pull.pull_checks`), not
recomputed here. Renders as an indented text tree, a Mermaid flowchart or a Graphviz digraph.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from iamlint.record import field, record

if TYPE_CHECKING:
    from iamlint.config import Config
    from iamlint.load.document import Pointer
    from iamlint.model import Model, NodeGroup, Role, ServiceAccount, TaskDefinition

OK, BROKEN, UNKNOWN = "ok", "broken", "unknown"
FORMATS = ("text", "mermaid", "dot")
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"


@record
class Link:
    label: str
    status: str = ""  # "" for a chain's root
    location: str = ""
    note: str = ""
    children: list[Link] = field(default_factory=list)

    def add(self, child: Link) -> Link:
        self.children.append(child)
        return child

    def walk(self) -> Iterator[Link]:
        yield self
        for child in self.children:
            yield from child.walk()


def _where(pointer: Pointer | None) -> str:
    if pointer is None:
        return ""
    location = pointer.location()
    if location.line is None:
        return location.file
    return f"{location.file}:{location.line}:{location.column or 1}"


# --- building chains ----------------------------------------------------------------------


def trace(model: Model, config: Config, target: str | None = None) -> list[Link]:
    """Every chain of the model, or those of `target` (see `matches`)."""
    lookups = _Lookups.build(model, config)
    pairs: list[tuple[Link, Any]] = [
        *(_service_account_chain(lookups, sa) for sa in _annotated(model)),
        *(_node_group_chain(model, lookups, group) for group in model.node_groups),
        *(_task_definition_chain(model, lookups, task) for task in model.task_definitions),
    ]
    return [chain for chain, owner in pairs if target is None or matches(owner, chain, target)]


@record
class _Lookups:
    """The rules' verdicts keyed by the object they are about (id), built once per trace."""

    model: Model
    irsa_uses: dict[int, Any]  # ServiceAccount -> its IRSA RoleUse
    bindings: dict[int, Any]  # ServiceAccount -> its _irsa.Binding
    pulls: dict[int, list[Any]]  # Role -> its _pull.PullCheck list

    @classmethod
    def build(cls, model: Model, config: Config) -> _Lookups:
        from iamlint.model import IRSA_ROLE
        from iamlint.rules.e._pull import pull_checks
        from iamlint.rules.i._irsa import bindings

        pulls: dict[int, list[Any]] = {}
        if model.node_groups or model.task_definitions:
            for check in pull_checks(model):
                pulls.setdefault(id(check.role), []).append(check)
        return cls(
            model,
            {id(u.owner): u for u in model.role_uses if u.usage == IRSA_ROLE},
            {id(b.sa): b for b in bindings(model, config)},
            pulls,
        )


def _annotated(model: Model) -> list[ServiceAccount]:
    return [sa for sa in model.service_accounts if sa.role_arn]


def matches(owner: Any, chain: Link, target: str) -> bool:
    """Does `target` (ServiceAccount/ns/name, NodeGroup/cluster/name, TaskDefinition/family,
    a role ARN or name) name this chain's owner or a role in it?"""
    wanted = target.strip()
    kind, _, rest = wanted.partition("/")
    if kind == "ServiceAccount":
        return getattr(owner, "subject", None) == f"system:serviceaccount:{rest.replace('/', ':')}"
    if kind == "NodeGroup":
        return f"{getattr(owner, 'cluster', '')}/{getattr(owner, 'name', '')}" == rest
    if kind == "TaskDefinition":
        return getattr(owner, "family", None) == rest
    name = wanted.rsplit("/", 1)[-1] if wanted.startswith("arn:") else wanted
    return any(
        link.label.startswith("role ") and name.lower() in _role_names(link)
        for link in chain.walk()
    )


def _role_names(link: Link) -> set[str]:
    text = link.label[len("role ") :].split(" ", 1)[0]
    return {text.lower(), text.rsplit("/", 1)[-1].lower()}


def _service_account_chain(lookups: _Lookups, sa: ServiceAccount) -> tuple[Link, Any]:
    root = Link(f"ServiceAccount {sa.namespace}/{sa.name}", location=_where(sa.pointer))
    use = lookups.irsa_uses.get(id(sa))
    annotation = root.add(
        Link(
            f"annotation {ROLE_ARN_ANNOTATION}: {sa.role_arn}",
            OK,
            _where(use.pointer if use else sa.pointer),
        )
    )
    binding = lookups.bindings.get(id(sa))
    if use is None or use.role is None or binding is None:
        annotation.add(Link(f"role {sa.role_arn}", UNKNOWN, note="not in the inputs"))
        return root, sa
    role_link = annotation.add(_irsa_role_link(binding))
    _add_trust_links(lookups.model, role_link, binding)
    return root, sa


_IRSA_NOTES = {
    "trusted": "its trust admits the token",
    "unknown": "the trust cannot be decided from the inputs",
    "overridden": "a Pod Identity association takes precedence",
    "no-web-identity": "its trust has no statement for a Kubernetes OIDC provider",
    "wrong-cluster": "its trust names another cluster's OIDC provider",
    "subject": "its trust does not admit this service account's subject",
    "shared": "its trust admits another annotated service account too",
    "audience": "its trust does not admit the token's audience",
    "client-id": "the OIDC provider does not list the token's audience",
}


_WORKING = ("trusted", "shared")  # shared works (I007 reports the over-broad trust)
_UNDECIDED = ("unknown", "overridden")


def _irsa_role_link(binding: Any) -> Link:
    verdict = binding.verdict
    status = OK if verdict in _WORKING else UNKNOWN if verdict in _UNDECIDED else BROKEN
    return Link(
        f"role {binding.role.label}",
        status,
        _where(binding.role.pointer),
        _IRSA_NOTES.get(verdict, verdict),
    )


def _add_trust_links(model: Model, role_link: Link, binding: Any) -> None:
    from iamlint.iam.conditions import FALSE, TRUE
    from iamlint.rules.i import _irsa

    if binding.role.trust is None:
        role_link.add(Link("trust policy", UNKNOWN, note="not in the inputs"))
        return
    if not binding.judged:
        status = BROKEN if role_link.status == BROKEN else UNKNOWN
        role_link.add(Link("trust policy", status, _where(binding.role.trust.pointer)))
        return
    issuer = _irsa.cluster_issuer(binding.cluster)
    for judged in binding.judged:
        passes = judged.sub is TRUE and judged.aud is TRUE
        fails = judged.sub is FALSE or judged.aud is FALSE
        statement = role_link.add(
            Link(
                f"trust statement (sub {judged.sub.name.lower()}, aud {judged.aud.name.lower()})",
                OK if passes else BROKEN if fails else UNKNOWN,
                _where(judged.statement.pointer),
            )
        )
        for written_issuer, principal in judged.candidate.providers:
            provider = _irsa.provider_for(model, principal.text, written_issuer)
            provider_link = statement.add(
                Link(
                    f"OIDC provider {principal.text or written_issuer}",
                    OK if provider is not None else UNKNOWN,
                    _where(provider.pointer if provider else principal.pointer),
                    "" if provider is not None else "not in the inputs",
                )
            )
            provider_link.add(_issuer_link(binding.cluster, issuer, written_issuer))


def _issuer_link(cluster: Any, issuer: str | None, written: str) -> Link:
    if cluster is None or not issuer:
        return Link(f"cluster issuer {written}", UNKNOWN, note="the cluster is not in the inputs")
    same = issuer.lower() == written.lower()
    return Link(
        f"cluster {cluster.name} issuer {issuer}",
        OK if same else BROKEN,
        _where(cluster.pointer),
    )


def _node_group_chain(model: Model, lookups: _Lookups, group: NodeGroup) -> tuple[Link, Any]:
    root = Link(f"NodeGroup {group.cluster}/{group.name}", location=_where(group.pointer))
    role = model.resolve_role(group.node_role_arn) if group.node_role_arn else None
    role_link = root.add(_role_link(group.node_role_arn, role, group.role_pointer or group.pointer))
    role_link.add(_cluster_access_link(model, group))
    if role is not None:
        _add_pull_links(lookups, role_link, role)
    return root, group


def _role_link(written: str, role: Role | None, pointer: Pointer) -> Link:
    if role is None:
        note = "not in the inputs" if written else "no role is set"
        return Link(f"role {written or '(none)'}", UNKNOWN, _where(pointer), note)
    return Link(f"role {role.label}", OK, _where(role.pointer))


def _cluster_access_link(model: Model, group: NodeGroup) -> Link:
    from iamlint.rules.a._node_access import aws_auth_for, same_role

    arn = group.node_role_arn
    for aws_auth in aws_auth_for(model, group.cluster):
        for mapping in aws_auth.mappings:
            if mapping.arn and arn and same_role(mapping.arn, arn):
                groups = ", ".join(str(g) for g in mapping.groups)
                return Link(f"aws-auth mapping ({groups})", OK, _where(mapping.pointer))
    for entry in model.access_entries:
        if entry.cluster == group.cluster and arn and same_role(entry.principal_arn, arn):
            return Link(f"access entry {entry.type}", OK, _where(entry.pointer))
    return Link(
        "aws-auth mapping / access entry",
        UNKNOWN,
        note="none in the inputs; EKS creates one for managed node groups",
    )


def _task_definition_chain(
    model: Model, lookups: _Lookups, task: TaskDefinition
) -> tuple[Link, Any]:
    root = Link(f"TaskDefinition {task.family}", location=_where(task.pointer))
    for kind, arn in (
        ("task role", task.task_role_arn),
        ("execution role", task.execution_role_arn),
    ):
        if not arn:
            continue
        role = model.resolve_role(arn)
        link = root.add(_role_link(arn, role, task.pointer))
        link.label = f"{link.label} ({kind})"
        if role is not None and kind == "execution role":
            _add_pull_links(lookups, link, role)
    return root, task


def _add_pull_links(lookups: _Lookups, role_link: Link, role: Role) -> None:
    for check in lookups.pulls.get(id(role), []):
        role_link.add(
            Link(
                "ecr:GetAuthorizationToken", _status(check.auth.decision, True), role_link.location
            )
        )
        for repository in check.repositories:
            pull = role_link.add(
                Link(
                    f"ECR pull {repository.arn}",
                    _status(repository.identity.decision, repository.certain),
                    _where(repository.pulls[0].image_pointer) if repository.pulls else "",
                )
            )
            pull.add(_repository_policy_link(repository))


def _repository_policy_link(repository: Any) -> Link:
    if repository.repository is None or repository.resource_side is None:
        same_account = repository.cross_account is False
        return Link(
            "repository policy",
            OK if same_account else UNKNOWN,
            note="same account: not needed" if same_account else "not in the inputs",
        )
    policy = repository.repository.policy
    return Link(
        f"repository policy of {repository.repository.name}",
        _status(repository.resource_side.decision, repository.certain),
        _where(policy.pointer if policy else repository.repository.pointer),
    )


def _status(decision: Any, certain: bool) -> str:
    value = getattr(decision, "value", decision)
    if value == "allowed":
        return OK
    if value == "denied":
        return BROKEN if certain else UNKNOWN
    return UNKNOWN


# --- rendering ----------------------------------------------------------------------------


def render(chains: list[Link], fmt: str) -> str:
    if fmt == "mermaid":
        return render_mermaid(chains)
    if fmt == "dot":
        return render_dot(chains)
    return render_text(chains)


def render_text(chains: list[Link]) -> str:
    if not chains:
        return "no identity chain found\n"
    lines: list[str] = []
    for chain in chains:
        lines.append(_text_line(chain))
        _text_children(chain, "", lines)
        lines.append("")
    return "\n".join(lines)


def _text_line(link: Link) -> str:
    parts = [f"[{link.status}] {link.label}" if link.status else link.label]
    if link.note:
        parts.append(f"({link.note})")
    if link.location:
        parts.append(f"@ {link.location}")
    return " ".join(parts)


def _text_children(link: Link, indent: str, lines: list[str]) -> None:
    for index, child in enumerate(link.children):
        last = index == len(link.children) - 1
        lines.append(f"{indent}{'└── ' if last else '├── '}{_text_line(child)}")
        _text_children(child, indent + ("    " if last else "│   "), lines)


def _numbered(chains: list[Link]) -> Iterator[tuple[str, Link, str | None]]:
    """(node id, link, parent id) for every link of every chain."""
    counter = 0

    def visit(link: Link, parent: str | None) -> Iterator[tuple[str, Link, str | None]]:
        nonlocal counter
        counter += 1
        node = f"n{counter}"
        yield node, link, parent
        for child in link.children:
            yield from visit(child, node)

    for chain in chains:
        yield from visit(chain, None)


def _graph_label(link: Link) -> str:
    label = f"{link.label} [{link.status}]" if link.status else link.label
    return f"{label}\n{link.location}" if link.location else label


def mermaid_escape(text: str) -> str:
    """Mermaid quoted label: entity codes for quotes and markup, <br/> for newlines."""
    for raw, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(raw, code)
    return text.replace("\n", "<br/>")


def render_mermaid(chains: list[Link]) -> str:
    lines = ["flowchart LR"]
    classes: dict[str, list[str]] = {OK: [], BROKEN: [], UNKNOWN: []}
    for node, link, parent in _numbered(chains):
        lines.append(f'    {node}["{mermaid_escape(_graph_label(link))}"]')
        if parent is not None:
            lines.append(f"    {parent} --> {node}")
        if link.status in classes:
            classes[link.status].append(node)
    lines.append("    classDef ok stroke:#2da44e,stroke-width:2px")
    lines.append("    classDef broken stroke:#cf222e,stroke-width:3px")
    lines.append("    classDef unknown stroke:#9a6700,stroke-dasharray:4")
    for status, nodes in classes.items():
        if nodes:
            lines.append(f"    class {','.join(nodes)} {status}")
    return "\n".join(lines) + "\n"


_DOT_COLORS = {OK: "darkgreen", BROKEN: "red", UNKNOWN: "orange"}


def dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render_dot(chains: list[Link]) -> str:
    lines = ["digraph iamlint {", "    rankdir=LR;", '    node [shape=box, fontname="monospace"];']
    for node, link, parent in _numbered(chains):
        color = _DOT_COLORS.get(link.status, "black")
        lines.append(f'    {node} [label="{dot_escape(_graph_label(link))}", color={color}];')
        if parent is not None:
            lines.append(f"    {parent} -> {node};")
    lines.append("}")
    return "\n".join(lines) + "\n"
