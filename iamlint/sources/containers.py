"""Container lists shared by ECS task definitions from every source format."""

from __future__ import annotations

from typing import Any

from iamlint.load.document import Pointer
from iamlint.model import Container


def ecs_containers(definitions: Pointer) -> list[Container]:
    items = definitions.value
    if not isinstance(items, list):
        return []
    containers = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        pointer = definitions.child(index)
        image_key = _key(item, "image")
        image = item.get(image_key) if image_key else None
        name = item.get(_key(item, "name") or "name")
        container = Container(
            name=name if isinstance(name, str) else "",
            image=image if isinstance(image, str) else "",
            pointer=pointer,
            image_pointer=pointer.child(image_key) if image_key else None,
        )
        _add_ecs_facts(container, item)
        containers.append(container)
    return containers


def _key(mapping: dict[str, Any], camel: str) -> str | None:
    """The key as written: API/CLI JSON is camelCase, CloudFormation PascalCase."""
    for key in (camel, camel[0].upper() + camel[1:]):
        if key in mapping:
            return key
    return None


def _child(pointer: Pointer, mapping: Any, camel: str) -> tuple[Pointer, Any] | None:
    if not isinstance(mapping, dict):
        return None
    key = _key(mapping, camel)
    return (pointer.child(key), mapping[key]) if key else None


def _add_ecs_facts(container: Container, item: dict[str, Any]) -> None:
    """Log driver, init process and what the agent fetches with the execution role."""
    pointer = container.pointer
    logging = _child(pointer, item, "logConfiguration")
    if logging:
        driver = _child(*logging, "logDriver")
        if driver and isinstance(driver[1], str):
            container.log_driver = driver[1].strip()
            container.log_driver_pointer = driver[0]
        secret_options = _child(*logging, "secretOptions")
        if secret_options and _non_empty_list(secret_options[1]):
            container.execution_role_uses.append(("log secretOptions", secret_options[0]))
    for camel, what in (("secrets", "secrets"), ("environmentFiles", "environmentFiles")):
        found = _child(pointer, item, camel)
        if found and _non_empty_list(found[1]):
            container.execution_role_uses.append((what, found[0]))
    credentials = _child(pointer, item, "repositoryCredentials")
    if credentials and isinstance(credentials[1], dict) and credentials[1]:
        container.execution_role_uses.append(("repositoryCredentials", credentials[0]))
    linux = _child(pointer, item, "linuxParameters")
    if linux:
        container.linux_parameters_pointer = linux[0]
        init = _child(*linux, "initProcessEnabled")
        container.init_process_enabled = bool(init) and init[1] in (True, "true", "True")


def _non_empty_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value)
