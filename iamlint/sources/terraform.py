"""Terraform JSON (`terraform show -json` of a plan or of a state) -> model.

One source of truth per resource instance: `resource_changes[].change.after` when the
plan has it (deleted instances are skipped), else `planned_values`, then `prior_state`
(data sources read during planning), then `values` (state output). Modules and
`count`/`for_each` instances are addressed as Terraform prints them
(`module.eks.aws_iam_role.node["blue"]`); messages name that address.

Values unknown until apply (`after_unknown`) and sensitive values are never read:
each one a check needs becomes an X008 note at its `after_unknown` entry. References
are the exception: when `node_role_arn` is unknown because the role is created in the
same plan, the plan's `configuration` says which resource it refers to
(`aws_iam_role.node.arn`, through module variables and outputs), and the reference is
linked to that role.

Identity before apply: a role, customer managed policy, instance profile or OIDC
provider whose ARN is unknown gets the synthetic ARN `tf:<address>`; references
resolved through the configuration are written as that same string, so
`Model.resolve_role` finds the role by exact match, and other inputs find it by name.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

from iamlint.load import ParseError, load_embedded
from iamlint.load.document import Path, Pointer
from iamlint.model import (
    ECR_REGISTRY,
    ECR_REPOSITORY,
    ENDPOINT,
    IDENTITY,
    TRUST,
    AccessEntry,
    Attachment,
    Cluster,
    EcsService,
    FargateProfile,
    InstanceProfile,
    Model,
    NodeGroup,
    OidcProvider,
    PodIdentityAssociation,
    Policy,
    Repository,
    Role,
    TaskDefinition,
    Unresolved,
    VpcEndpoint,
)
from iamlint.record import record
from iamlint.sources.awscli import normalise_url
from iamlint.sources.common import infer_policy_kind, policy_at
from iamlint.sources.containers import ecs_containers
from iamlint.sources.refs import account_of, region_of
from iamlint.sources.view import view

ORIGIN = "terraform"
PLAN_KEYS = ("resource_changes", "planned_values", "prior_state", "values")
_MODULE_STEP = re.compile(r'module\.([A-Za-z0-9_-]+)(\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?')
_RESOURCE_REF = re.compile(
    r'^((?:data\.)?[A-Za-z][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*)(?:\[("(?:[^"\\]|\\.)*"|\d+)\])?'
)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# What a view shows for an attribute whose value is known only after apply (as `terraform
# plan` prints it): present, but no value to check
UNKNOWN = "(known after apply)"
_NOT_RESOURCES = ("var.", "local.", "each.", "count.", "path.", "terraform.", "self.")
_MAX_HOPS = 8


def extract_terraform(pointer: Pointer, model: Model) -> bool:
    if not is_terraform_json(pointer.value):
        return False
    _Plan(pointer, model).run()
    return True


def is_terraform_json(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    versioned = "format_version" in data or "terraform_version" in data
    return versioned and any(isinstance(data.get(k), (dict, list)) for k in PLAN_KEYS)


def synthetic_arn(address: str) -> str:
    """The identity of a resource whose ARN is unknown until apply."""
    return f"tf:{address}"


@record
class _Instance:
    """One resource instance with its values, what is unknown, and its configuration."""

    address: str
    module: str  # module address as printed ('' for the root module)
    mode: str  # managed | data
    type: str
    name: str
    index: Any  # None, a count index or a for_each key
    values: dict[str, Any]
    pointer: Pointer  # the values mapping
    unknown: Any  # after_unknown tree (False when the source has none)
    unknown_pointer: Pointer | None
    sensitive: Any
    config: dict[str, Any]

    @property
    def base(self) -> str:
        local = (
            f"data.{self.type}.{self.name}" if self.mode == "data" else f"{self.type}.{self.name}"
        )
        return f"{self.module}.{local}" if self.module else local

    def get(self, *path: Any) -> Any:
        node: Any = self.values
        for part in path:
            node = _step(node, part)
        return node

    def text(self, *path: Any) -> str:
        value = self.get(*path)
        return value.strip() if isinstance(value, str) and self.readable(*path) else ""

    def is_unknown(self, *path: Any) -> bool:
        return _marked(self.unknown, path)

    def is_sensitive(self, *path: Any) -> bool:
        return _marked(self.sensitive, path)

    def readable(self, *path: Any) -> bool:
        return not self.is_unknown(*path) and not self.is_sensitive(*path)

    def at(self, *path: Any) -> Pointer:
        """Where the attribute is written: its value, or its `after_unknown` entry."""
        if self.is_unknown(*path) and self.unknown_pointer is not None:
            return self.unknown_pointer.child(*path)
        return self.pointer.child(*path)

    def configured(self, attribute: str) -> bool:
        """Set in the configuration (True when the input carries no configuration)."""
        if not self.config:
            return True
        return attribute in (self.config.get("expressions") or {})

    def references(self, attribute: str) -> list[str]:
        expression = (self.config.get("expressions") or {}).get(attribute)
        references = expression.get("references") if isinstance(expression, dict) else None
        return [r for r in references if isinstance(r, str)] if isinstance(references, list) else []


def _step(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _marked(tree: Any, path: tuple[Any, ...]) -> bool:
    """True when `after_unknown`/`after_sensitive` marks `path` or one of its ancestors."""
    node = tree
    for part in path:
        if node is True:
            return True
        node = _step(node, part)
    return node is True


class _Plan:
    def __init__(self, pointer: Pointer, model: Model) -> None:
        self.root = pointer
        self.model = model
        self.data: dict[str, Any] = pointer.value
        self._configs: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        self.instances = list(self._instances())
        self.by_base: dict[str, list[_Instance]] = defaultdict(list)
        for instance in self.instances:
            self.by_base[instance.base].append(instance)
        self.roles: dict[str, Role] = {}  # address -> role
        self.managed: dict[str, Policy] = {}  # address -> customer managed policy
        self.clusters: dict[str, Cluster] = {}
        self.tasks: dict[str, TaskDefinition] = {}
        self.repositories: dict[str, Repository] = {}  # name -> repository
        self.policy_texts: set[str] = set()  # rendered policies seen, to skip data duplicates

    def run(self) -> None:
        for phase in range(4):
            for instance in self.instances:
                entry = _HANDLERS.get((instance.mode, instance.type))
                if entry is not None and entry[0] == phase:
                    entry[1](self, instance)

    # --- instances -------------------------------------------------------------------

    def _instances(self) -> Iterator[_Instance]:
        seen: set[str] = set()
        changes = self.data.get("resource_changes")
        for index, change in enumerate(changes if isinstance(changes, list) else []):
            instance = self._changed(index, change, seen)
            if instance is not None:
                yield instance
        sources = (
            ("planned_values", "root_module"),
            ("prior_state", "values", "root_module"),
            ("values", "root_module"),
        )
        for path in sources:
            module = self.root.doc.get(self.root.path + path)
            if isinstance(module, dict):
                yield from self._module_instances(path, module, "", seen)

    def _changed(self, index: int, entry: Any, seen: set[str]) -> _Instance | None:
        if (
            not isinstance(entry, dict)
            or "deposed" in entry
            or not isinstance(entry.get("address"), str)
        ):
            return None
        change = entry.get("change")
        if not isinstance(change, dict):
            return None
        seen.add(entry["address"])
        after = change.get("after")
        if change.get("actions") == ["delete"] or not isinstance(after, dict):
            return None
        base = self.root.child("resource_changes", index, "change")
        return self._instance(
            entry,
            str(entry.get("module_address") or ""),
            base.child("after"),
            change.get("after_unknown") or False,
            base.child("after_unknown") if isinstance(change.get("after_unknown"), dict) else None,
            change.get("after_sensitive") or False,
        )

    def _module_instances(
        self, path: Path, module: dict[str, Any], address: str, seen: set[str]
    ) -> Iterator[_Instance]:
        resources = module.get("resources")
        for index, entry in enumerate(resources if isinstance(resources, list) else []):
            if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
                continue
            if not isinstance(entry.get("address"), str) or entry["address"] in seen:
                continue
            seen.add(entry["address"])
            pointer = self.root.child(*path, "resources", index, "values")
            sensitive = entry.get("sensitive_values") or False
            yield self._instance(entry, address, pointer, False, None, sensitive)
        children = module.get("child_modules")
        for index, child in enumerate(children if isinstance(children, list) else []):
            if isinstance(child, dict):
                child_address = str(child.get("address") or "")
                yield from self._module_instances(
                    (*path, "child_modules", index), child, child_address, seen
                )

    def _instance(
        self,
        entry: dict[str, Any],
        module: str,
        pointer: Pointer,
        unknown: Any,
        unknown_pointer: Pointer | None,
        sensitive: Any,
    ) -> _Instance:
        mode = str(entry.get("mode") or "managed")
        kind, name = str(entry.get("type") or ""), str(entry.get("name") or "")
        return _Instance(
            address=entry["address"],
            module=module,
            mode=mode,
            type=kind,
            name=name,
            index=entry.get("index"),
            values=pointer.value,
            pointer=pointer,
            unknown=unknown,
            unknown_pointer=unknown_pointer,
            sensitive=sensitive,
            config=self._resource_config(module, mode, kind, name),
        )

    # --- configuration -----------------------------------------------------------------

    def _module_config(self, module: str) -> dict[str, Any]:
        config = self.data.get("configuration")
        node = config.get("root_module") if isinstance(config, dict) else None
        for name, _key in _module_steps(module):
            calls = node.get("module_calls") if isinstance(node, dict) else None
            call = calls.get(name) if isinstance(calls, dict) else None
            node = call.get("module") if isinstance(call, dict) else None
        return node if isinstance(node, dict) else {}

    def _resource_config(self, module: str, mode: str, kind: str, name: str) -> dict[str, Any]:
        key = (module, mode, kind, name)
        if key not in self._configs:
            self._configs[key] = self._find_resource_config(module, mode, kind, name)
        return self._configs[key]

    def _find_resource_config(self, module: str, mode: str, kind: str, name: str) -> dict[str, Any]:
        resources = self._module_config(module).get("resources")
        for item in resources if isinstance(resources, list) else []:
            if isinstance(item, dict) and (
                item.get("mode"),
                item.get("type"),
                item.get("name"),
            ) == (
                mode,
                kind,
                name,
            ):
                return item
        return {}

    def referenced(self, instance: _Instance, attribute: str, kind: str) -> list[_Instance]:
        """The instances of `kind` an unknown attribute refers to, per the configuration."""
        references = instance.references(attribute)
        return self._follow(instance.module, references, kind, instance.index, 0)

    def _follow(
        self, scope: str, references: list[str], kind: str, index: Any, hops: int
    ) -> list[_Instance]:
        if hops > _MAX_HOPS:
            return []
        found: dict[int, _Instance] = {}
        keyed: dict[str, set[Any]] = defaultdict(set)
        bare: set[str] = set()
        for reference in references:
            if reference.startswith("var."):
                for item in self._via_variable(scope, reference[4:].split(".")[0], kind, hops):
                    found[id(item)] = item
            elif reference.startswith("module."):
                for item in self._via_output(scope, reference, kind, hops):
                    found[id(item)] = item
            elif not reference.startswith(_NOT_RESOURCES):
                match = _RESOURCE_REF.match(reference)
                if (
                    match
                    and match.group(1).split(".")[-2] == kind
                    and not match.group(1).startswith("data.")
                ):
                    target = f"{scope}.{match.group(1)}" if scope else match.group(1)
                    if match.group(2) is not None:
                        keyed[target].add(json.loads(match.group(2)))
                    else:
                        bare.add(target)
        same_key = "each.key" in references or "count.index" in references
        for target in bare | set(keyed):
            for item in self._pick(target, keyed.get(target), same_key, index):
                found[id(item)] = item
        return list(found.values())

    def _pick(
        self, base: str, keys: set[Any] | None, same_key: bool, index: Any
    ) -> list[_Instance]:
        candidates = self.by_base.get(base, [])
        if keys:
            return [c for c in candidates if c.index in keys]
        if len(candidates) <= 1:
            return candidates
        if same_key and index is not None:
            return [c for c in candidates if c.index == index]
        return candidates  # several: the caller treats it as ambiguous

    def _via_variable(self, scope: str, variable: str, kind: str, hops: int) -> list[_Instance]:
        steps = _module_steps(scope)
        if not steps:
            return []
        parent = _module_address(steps[:-1])
        name, key_text = steps[-1]
        calls = self._module_config(parent).get("module_calls")
        call = calls.get(name) if isinstance(calls, dict) else None
        expressions = call.get("expressions") if isinstance(call, dict) else None
        expression = expressions.get(variable) if isinstance(expressions, dict) else None
        references = expression.get("references") if isinstance(expression, dict) else None
        if not isinstance(references, list):
            return []
        key = json.loads(key_text[1:-1]) if key_text else None
        strings = [r for r in references if isinstance(r, str)]
        return self._follow(parent, strings, kind, key, hops + 1)

    def _via_output(self, scope: str, reference: str, kind: str, hops: int) -> list[_Instance]:
        match = _MODULE_STEP.match(reference)
        if match is None or not reference[match.end() :].startswith("."):
            return []  # `module.x` alone: Terraform lists it beside `module.x.output`
        output = reference[match.end() + 1 :].split(".")[0].split("[")[0]
        child = f"{scope}.{match.group(0)}" if scope else match.group(0)
        outputs = self._module_config(child).get("outputs")
        declared = outputs.get(output) if isinstance(outputs, dict) else None
        expression = declared.get("expression") if isinstance(declared, dict) else None
        references = expression.get("references") if isinstance(expression, dict) else None
        if not isinstance(references, list):
            return []
        strings = [r for r in references if isinstance(r, str)]
        return self._follow(child, strings, kind, None, hops + 1)

    # --- values a check needs --------------------------------------------------------

    def note(self, instance: _Instance, path: tuple[Any, ...], what: str) -> None:
        """X008: the attribute at `path` is unknown (or sensitive); `what` was skipped."""
        attribute = _attribute_text(path)
        sensitive = instance.is_sensitive(*path)
        state = "is sensitive and was not read" if sensitive else "is known only after apply"
        self.model.unresolved.append(
            Unresolved(
                "X008",
                instance.at(*path),
                f"{instance.address}: `{attribute}` {state}; {what} skipped",
                resource=instance.address,
            )
        )

    def policy(
        self, instance: _Instance, path: tuple[Any, ...], kind: str, owner: str = ""
    ) -> Policy | None:
        """The policy JSON string at `path`, or an X008 note when it is not readable."""
        label = f"{instance.address} ({_attribute_text(path)})"
        if not instance.readable(*path):
            self.note(instance, path, "checks of this policy are")
            return None
        text = instance.get(*path)
        if not isinstance(text, str) or not text.strip():
            return None
        policy = policy_at(
            instance.at(*path), kind, self.model, name=label, owner=owner, origin=ORIGIN
        )
        if policy is not None:
            self.policy_texts.add(_normalised(policy.document))
        return policy

    def role_reference(self, instance: _Instance, attribute: str) -> str:
        """A role ARN as written, or resolved to a role of this plan; '' and X008 if unknown."""
        if instance.readable(attribute):
            return instance.text(attribute)
        if instance.is_unknown(attribute):
            roles = self._roles_referenced(instance, attribute)
            if len(roles) == 1:
                return roles[0].arn
        self.note(instance, (attribute,), "checks of this role are")
        return ""

    def _roles_referenced(self, instance: _Instance, attribute: str) -> list[Role]:
        found = {
            id(r): r
            for i in self.referenced(instance, attribute, "aws_iam_role")
            if (r := self.roles.get(i.address))
        }
        return list(found.values())

    def role_named(self, instance: _Instance, attribute: str) -> tuple[Role | None, str]:
        """The plan's role an attribute holding a role *name* designates, and that name."""
        name = instance.text(attribute)
        if name:
            matches = [r for r in self.roles.values() if r.name == name]
            return (matches[-1] if matches else None), name
        if instance.is_unknown(attribute):
            roles = self._roles_referenced(instance, attribute)
            if len(roles) == 1:
                return roles[0], roles[0].name
        return None, ""

    @cached_property
    def standalone_inline_policies(self) -> set[tuple[str, Any]]:
        """(role name, policy name) of every aws_iam_role_policy with both known."""
        return {
            (i.text("role"), i.text("name"))
            for i in self.instances
            if i.type == "aws_iam_role_policy" and i.mode == "managed" and i.text("role")
        }

    def cluster_name(self, instance: _Instance) -> str:
        name = instance.text("cluster_name")
        if name or not instance.is_unknown("cluster_name"):
            return name
        clusters = [
            self.clusters[i.address]
            for i in self.referenced(instance, "cluster_name", "aws_eks_cluster")
            if i.address in self.clusters
        ]
        return clusters[0].name if len(clusters) == 1 else ""


def _module_steps(module: str) -> list[tuple[str, str]]:
    """`module.a["x"].module.b` -> [("a", '["x"]'), ("b", "")]."""
    steps, position = [], 0
    while position < len(module):
        match = _MODULE_STEP.match(module, position)
        if match is None:
            break
        steps.append((match.group(1), match.group(2) or ""))
        position = match.end() + 1
    return steps


def _module_address(steps: list[tuple[str, str]]) -> str:
    return ".".join(f"module.{name}{key}" for name, key in steps)


def _attribute_text(path: tuple[Any, ...]) -> str:
    """`("metadata", 0, "annotations", "a/b")` -> `metadata[0].annotations["a/b"]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _IDENTIFIER.match(str(part)):
            text += f"[{json.dumps(part)}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _normalised(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)


def _strings(value: Any) -> list[str]:
    return (
        [v.strip() for v in value if isinstance(v, str) and v.strip()]
        if isinstance(value, list)
        else []
    )


def _first(value: Any) -> dict[str, Any]:
    """The single block of a nested block list (`identity[0]`, `metadata[0]`)."""
    return value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else {}


# --- IAM ---------------------------------------------------------------------------


def _role(plan: _Plan, it: _Instance) -> None:
    arn = it.text("arn")
    role = Role(
        name=it.text("name"),
        pointer=it.pointer,
        arn=arn or synthetic_arn(it.address),
        account=account_of(arn),
        path=it.text("path") or "/",
        permissions_boundary=it.text("permissions_boundary"),
        origin=ORIGIN,
    )
    plan.roles[it.address] = role
    plan.model.roles.append(role)
    role.trust = plan.policy(it, ("assume_role_policy",), TRUST, owner=role.label)
    if it.configured("inline_policy"):
        standalone = plan.standalone_inline_policies
        for index, block in enumerate(it.get("inline_policy") or []):
            if (role.name, block.get("name") if isinstance(block, dict) else None) in standalone:
                continue  # state lists it on the role too; the aws_iam_role_policy owns it
            if isinstance(block, dict) and block.get("policy"):
                policy = plan.policy(it, ("inline_policy", index, "policy"), IDENTITY, role.label)
                if policy is not None:
                    role.inline_policies.append(policy)
        if it.is_unknown("inline_policy") and it.config:
            plan.note(it, ("inline_policy",), "checks of the inline policies are")
            role.permissions_complete = False
    for index, policy_arn in enumerate(it.get("managed_policy_arns") or []):
        if (
            isinstance(policy_arn, str)
            and policy_arn.strip()
            and it.readable("managed_policy_arns", index)
        ):
            _attach(role, policy_arn.strip(), it.at("managed_policy_arns", index))
        else:
            role.permissions_complete = False  # known only after apply
    if it.is_unknown("managed_policy_arns") and it.configured("managed_policy_arns"):
        # not configured, the computed attribute only echoes aws_iam_role_policy_attachment
        # resources, which the plan lists on their own
        role.permissions_complete = False


def _attach(role: Role, arn: str, pointer: Pointer) -> None:
    if all(a.arn != arn for a in role.attachments):
        role.attachments.append(Attachment(arn, pointer))


def _role_policy(plan: _Plan, it: _Instance) -> None:
    role, name = plan.role_named(it, "role")
    policy = plan.policy(it, ("policy",), IDENTITY, owner=role.label if role else name)
    if policy is None:
        if role is not None:
            role.permissions_complete = False  # its document is known only after apply
        return
    if role is not None:
        role.inline_policies.append(policy)
    elif name:
        plan.model.loose_role_policies.append((name, policy))
    else:
        plan.note(it, ("role",), "attaching this policy to its role was")


def _managed_policy(plan: _Plan, it: _Instance) -> None:
    arn = it.text("arn")
    policy = plan.policy(it, ("policy",), IDENTITY)
    if policy is None:
        return
    policy.arn = arn or synthetic_arn(it.address)
    plan.managed[it.address] = policy
    plan.model.managed_policies.append(policy)


def _policy_arn(plan: _Plan, it: _Instance) -> str:
    """`policy_arn` as written, or the synthetic ARN of this plan's aws_iam_policy."""
    if it.readable("policy_arn"):
        return it.text("policy_arn")
    if it.is_unknown("policy_arn"):
        targets = [
            plan.managed[i.address]
            for i in plan.referenced(it, "policy_arn", "aws_iam_policy")
            if i.address in plan.managed
        ]
        if len(targets) == 1:
            return targets[0].arn
    plan.note(it, ("policy_arn",), "checks that need the attached policy are")
    return ""


def _role_policy_attachment(plan: _Plan, it: _Instance) -> None:
    role, _name = plan.role_named(it, "role")
    arn = _policy_arn(plan, it)
    if role is not None and arn:
        _attach(role, arn, it.at("policy_arn"))
    elif role is not None:
        role.permissions_complete = False  # the attached policy is known only after apply
    elif it.is_unknown("role"):
        if arn:
            plan.note(it, ("role",), "attaching this policy to its role was")
        for candidate in plan.roles.values():  # some role of the plan gets it: none is complete
            candidate.permissions_complete = False


def _policy_attachment(plan: _Plan, it: _Instance) -> None:
    """aws_iam_policy_attachment: one policy, a list of role names."""
    arn = _policy_arn(plan, it)
    if not arn:
        return
    names = set(_strings(it.get("roles")) if it.readable("roles") else [])
    for role in plan.roles.values():
        if role.name in names:
            _attach(role, arn, it.at("policy_arn"))


def _instance_profile(plan: _Plan, it: _Instance) -> None:
    role, name = plan.role_named(it, "role")
    arn = it.text("arn")
    plan.model.instance_profiles.append(
        InstanceProfile(
            name=it.text("name"),
            pointer=it.pointer,
            arn=arn or synthetic_arn(it.address),
            roles=[role.arn if role is not None else name] if role is not None or name else [],
            origin=ORIGIN,
        )
    )


def _oidc_provider(plan: _Plan, it: _Instance) -> None:
    if not it.readable("url"):
        plan.note(it, ("url",), "checks that need this OIDC provider are")
        return
    arn = it.text("arn")
    plan.model.oidc_providers.append(
        OidcProvider(
            arn=arn or synthetic_arn(it.address),
            url=normalise_url(it.text("url")),
            pointer=it.pointer,
            client_ids=_strings(it.get("client_id_list")),
            account=account_of(arn),
            client_ids_known=it.readable("client_id_list"),
        )
    )


def _policy_document(plan: _Plan, it: _Instance) -> None:
    """data.aws_iam_policy_document: linted on its own unless a resource renders it too."""
    if not it.readable("json"):
        plan.note(it, ("json",), "checks of this policy document are")
        return
    text = it.get("json")
    if not isinstance(text, str) or not text.strip():
        return
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if document is not None and _normalised(document) in plan.policy_texts:
        return
    kind = infer_policy_kind(document)
    label = f"{it.address} (json)"
    policy_at(it.at("json"), kind, plan.model, name=label, origin=ORIGIN, inferred=True)


# --- EKS ---------------------------------------------------------------------------


def _cluster(plan: _Plan, it: _Instance) -> None:
    arn = it.text("arn")
    issuer_path = ("identity", 0, "oidc", 0, "issuer")
    cluster = Cluster(
        name=it.text("name"),
        pointer=it.pointer,
        arn=arn,
        account=account_of(arn),
        region=region_of(arn),
        issuer=normalise_url(it.text(*issuer_path)),
        authentication_mode=it.text("access_config", 0, "authentication_mode"),
        role_arn=plan.role_reference(it, "role_arn"),
        origin=ORIGIN,
    )
    if not cluster.issuer and not it.readable(*issuer_path):
        plan.note(it, issuer_path, "checks that need the cluster's OIDC issuer are")
    plan.clusters[it.address] = cluster
    plan.model.clusters.append(cluster)


def _node_group(plan: _Plan, it: _Instance) -> None:
    plan.model.node_groups.append(
        NodeGroup(
            cluster=plan.cluster_name(it),
            name=it.text("node_group_name") or it.address,
            pointer=it.pointer,
            node_role_arn=plan.role_reference(it, "node_role_arn"),
            role_pointer=it.at("node_role_arn"),
        )
    )


def _fargate_profile(plan: _Plan, it: _Instance) -> None:
    selectors = it.get("selector") if it.readable("selector") else []
    plan.model.fargate_profiles.append(
        FargateProfile(
            cluster=plan.cluster_name(it),
            name=it.text("fargate_profile_name") or it.address,
            pointer=it.pointer,
            pod_execution_role_arn=plan.role_reference(it, "pod_execution_role_arn"),
            role_pointer=it.at("pod_execution_role_arn"),
            selectors=[s for s in selectors or [] if isinstance(s, dict)],
        )
    )


def _pod_identity(plan: _Plan, it: _Instance) -> None:
    plan.model.pod_identity_associations.append(
        PodIdentityAssociation(
            cluster=plan.cluster_name(it),
            namespace=it.text("namespace"),
            service_account=it.text("service_account"),
            role_arn=plan.role_reference(it, "role_arn"),
            pointer=it.pointer,
        )
    )


def _access_entry(plan: _Plan, it: _Instance) -> None:
    plan.model.access_entries.append(
        AccessEntry(
            cluster=plan.cluster_name(it),
            principal_arn=plan.role_reference(it, "principal_arn"),
            pointer=it.pointer,
            type=it.text("type") or "STANDARD",
            username=it.text("user_name"),
            groups=_strings(it.get("kubernetes_groups"))
            if it.readable("kubernetes_groups")
            else [],
        )
    )


# --- ECR ---------------------------------------------------------------------------


def _repository(plan: _Plan, it: _Instance) -> None:
    arn = it.text("arn")
    repository = Repository(
        name=it.text("name"),
        pointer=it.pointer,
        arn=arn,
        account=it.text("registry_id") or account_of(arn),
        region=region_of(arn),
    )
    if repository.name:
        plan.repositories[repository.name] = repository
    plan.model.repositories.append(repository)


def _repository_policy(plan: _Plan, it: _Instance) -> None:
    name = it.text("repository")
    if not name and it.is_unknown("repository"):
        named = [i.get("name") for i in plan.referenced(it, "repository", "aws_ecr_repository")]
        name = named[0] if len(named) == 1 and isinstance(named[0], str) else ""
    policy = plan.policy(it, ("policy",), ECR_REPOSITORY, owner=name)
    repository = plan.repositories.get(name) if name else None
    if repository is None:
        repository = Repository(name=name, pointer=it.pointer, account=it.text("registry_id"))
        plan.model.repositories.append(repository)
    if policy is not None:
        repository.policy = policy


def _registry_policy(plan: _Plan, it: _Instance) -> None:
    plan.policy(it, ("policy",), ECR_REGISTRY)


# --- ECS and VPC -------------------------------------------------------------------


def _task_definition(plan: _Plan, it: _Instance) -> None:
    task_role = (
        plan.role_reference(it, "task_role_arn")
        if it.get("task_role_arn") or it.is_unknown("task_role_arn")
        else ""
    )
    execution_role = (
        plan.role_reference(it, "execution_role_arn")
        if it.get("execution_role_arn") or it.is_unknown("execution_role_arn")
        else ""
    )
    arn = it.text("arn")
    revision = it.get("revision")
    task = TaskDefinition(
        family=it.text("family"),
        pointer=_task_view(it, task_role, execution_role),
        task_role_arn=task_role,
        execution_role_arn=execution_role,
        containers=_containers(plan, it),
        arn=arn,
        revision=str(revision) if isinstance(revision, int) and it.readable("revision") else "",
        requires_compatibilities=[c.upper() for c in _strings(it.get("requires_compatibilities"))],
    )
    plan.tasks[it.address] = task
    plan.model.task_definitions.append(task)


def _task_view(it: _Instance, task_role: str, execution_role: str) -> Pointer:
    """The task definition in the API's camelCase shape, positions in the plan."""
    data = {_camel(k): v for k, v in it.values.items() if k != "container_definitions"}
    aliases = {(_camel(k),): it.at(k).path for k in it.values}
    for key, value in (("task_role_arn", task_role), ("execution_role_arn", execution_role)):
        if value:
            data[_camel(key)] = value
            aliases[(_camel(key),)] = it.at(key).path
    if isinstance(it.unknown, dict):
        for key, unknown in it.unknown.items():
            if unknown is True:
                data.setdefault(_camel(key), UNKNOWN)  # present, value known after apply
                aliases.setdefault((_camel(key),), it.at(key).path)
    return view(it.pointer, data, aliases)


def _containers(plan: _Plan, it: _Instance) -> list[Any]:
    if not it.readable("container_definitions"):
        plan.note(it, ("container_definitions",), "checks of the containers are")
        return []
    text = it.get("container_definitions")
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        documents = load_embedded(text, it.at("container_definitions"))
    except ParseError:
        return []  # Terraform validated it as JSON; nothing useful to add
    return ecs_containers(documents[0].root()) if documents else []


def _service(plan: _Plan, it: _Instance) -> None:
    enabled = it.get("enable_execute_command") is True
    has_exec = it.get("enable_execute_command") is not None
    service = EcsService(
        name=it.text("name") or it.address,
        pointer=it.pointer,
        enable_execute_command=enabled,
        exec_pointer=it.at("enable_execute_command") if has_exec else None,
        task_definition_pointer=it.at("task_definition"),
    )
    tasks = [
        plan.tasks[i.address]
        for i in plan.referenced(it, "task_definition", "aws_ecs_task_definition")
        if i.address in plan.tasks
    ]
    if it.is_unknown("task_definition") and len(tasks) == 1:
        task = tasks[0]
        if enabled and not task.enable_execute_command:
            task.enable_execute_command = True
            task.exec_pointer = service.exec_pointer
    elif it.readable("task_definition"):
        service.task_definition = it.text("task_definition")
    else:
        plan.note(it, ("task_definition",), "linking this service to its task definition was")
    plan.model.ecs_services.append(service)


def _vpc_endpoint(plan: _Plan, it: _Instance) -> None:
    endpoint = VpcEndpoint(
        service=it.text("service_name"), pointer=it.pointer, vpc=it.text("vpc_id")
    )
    if it.get("policy") or (it.is_unknown("policy") and it.configured("policy")):
        endpoint.policy = plan.policy(it, ("policy",), ENDPOINT)
    plan.model.vpc_endpoints.append(endpoint)


# --- Kubernetes provider -----------------------------------------------------------


def _service_account(plan: _Plan, it: _Instance) -> None:
    from iamlint.sources.k8s import ROLE_ARN_ANNOTATION, extract_k8s

    data = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _first(it.get("metadata"))}
    aliases: dict[Path, Path] = {("metadata",): it.at("metadata", 0).path}
    automount = it.get("automount_service_account_token")
    if isinstance(automount, bool):
        data["automountServiceAccountToken"] = automount
        aliases[("automountServiceAccountToken",)] = it.at("automount_service_account_token").path
    before = len(plan.model.service_accounts)
    extract_k8s(view(it.pointer, data, aliases), plan.model)
    for account in plan.model.service_accounts[before:]:
        account.origin = ORIGIN
    annotation = ("metadata", 0, "annotations", ROLE_ARN_ANNOTATION)
    if it.is_unknown(*annotation) or it.is_sensitive(*annotation):
        plan.note(it, annotation, "checks of this service account's role are")


def _config_map(plan: _Plan, it: _Instance) -> None:
    """kubernetes_config_map(_v1) and kubernetes_config_map_v1_data: aws-auth."""
    from iamlint.sources.k8s import AWS_AUTH_SECTIONS, extract_k8s, is_aws_auth_name

    metadata = _first(it.get("metadata"))
    if not isinstance(metadata.get("name"), str) or not is_aws_auth_name(metadata["name"]):
        return
    body = it.get("data") if isinstance(it.get("data"), dict) else {}
    data = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": body}
    aliases: dict[Path, Path] = {
        ("metadata",): it.at("metadata", 0).path,
        ("data",): it.at("data").path,
    }
    extract_k8s(view(it.pointer, data, aliases), plan.model)
    for section in AWS_AUTH_SECTIONS:
        if it.is_unknown("data", section) or it.is_sensitive("data", section):
            plan.note(it, ("data", section), "checks of these aws-auth mappings are")


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _existing_cluster(plan: _Plan, it: _Instance) -> None:
    """data.aws_eks_cluster read during planning: an existing cluster. A read deferred to
    apply (name unknown) describes nothing yet; the plan's own resource, if any, does."""
    if it.readable("name"):
        _cluster(plan, it)


def _existing_oidc_provider(plan: _Plan, it: _Instance) -> None:
    """data.aws_iam_openid_connect_provider read during planning (as above)."""
    if it.readable("url"):
        _oidc_provider(plan, it)


Handler = Callable[[_Plan, _Instance], None]
# (mode, type) -> (phase, handler): roles and policies first, then what refers to them
# and is referred to (clusters, task definitions, repositories), then the rest; policy
# documents last, to skip those a resource already renders
_HANDLERS: dict[tuple[str, str], tuple[int, Handler]] = {
    ("managed", "aws_iam_role"): (0, _role),
    ("managed", "aws_iam_policy"): (0, _managed_policy),
    ("managed", "aws_eks_cluster"): (1, _cluster),
    ("managed", "aws_ecs_task_definition"): (1, _task_definition),
    ("managed", "aws_ecr_repository"): (1, _repository),
    ("managed", "aws_iam_role_policy"): (2, _role_policy),
    ("managed", "aws_iam_role_policy_attachment"): (2, _role_policy_attachment),
    ("managed", "aws_iam_policy_attachment"): (2, _policy_attachment),
    ("managed", "aws_iam_instance_profile"): (2, _instance_profile),
    ("managed", "aws_iam_openid_connect_provider"): (2, _oidc_provider),
    ("managed", "aws_eks_node_group"): (2, _node_group),
    ("managed", "aws_eks_fargate_profile"): (2, _fargate_profile),
    ("managed", "aws_eks_pod_identity_association"): (2, _pod_identity),
    ("managed", "aws_eks_access_entry"): (2, _access_entry),
    ("managed", "aws_ecr_repository_policy"): (2, _repository_policy),
    ("managed", "aws_ecr_registry_policy"): (2, _registry_policy),
    ("managed", "aws_ecs_service"): (2, _service),
    ("managed", "aws_vpc_endpoint"): (2, _vpc_endpoint),
    ("managed", "kubernetes_service_account"): (2, _service_account),
    ("managed", "kubernetes_service_account_v1"): (2, _service_account),
    ("managed", "kubernetes_config_map"): (2, _config_map),
    ("managed", "kubernetes_config_map_v1"): (2, _config_map),
    ("managed", "kubernetes_config_map_v1_data"): (2, _config_map),
    ("data", "aws_iam_policy_document"): (3, _policy_document),
    # existing objects the plan reads (an IRSA role's stack reading the cluster it serves)
    ("data", "aws_eks_cluster"): (1, _existing_cluster),
    ("data", "aws_iam_openid_connect_provider"): (2, _existing_oidc_provider),
}
