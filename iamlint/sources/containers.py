"""Container lists shared by ECS task definitions from every source format."""

from __future__ import annotations

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
        image = item.get("image")
        containers.append(
            Container(
                name=str(item.get("name") or ""),
                image=image if isinstance(image, str) else "",
                pointer=pointer,
                image_pointer=pointer.child("image") if "image" in item else None,
            )
        )
    return containers
