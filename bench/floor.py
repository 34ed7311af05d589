"""The parsing floor: walk a tree, read every JSON/YAML file once and parse it, nothing else.

`json.loads` for `.json` files, `yaml.compose_all` with the C loader for the others
(compose keeps node positions, as iamlint needs them). Run as a subprocess, as iamlint is,
so that both pay interpreter start-up and imports. Prints the number of files parsed.
"""

from __future__ import annotations

import json
import os
import sys

import yaml

EXTENSIONS = (".json", ".yaml", ".yml", ".template")


def parse_tree(root: str) -> int:
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.endswith(EXTENSIONS) or name.startswith("."):
                continue
            with open(os.path.join(dirpath, name), "rb") as handle:
                text = handle.read().decode("utf-8")
            if name.endswith(".json"):
                json.loads(text)
            else:
                list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
            count += 1
    return count


if __name__ == "__main__":
    print(sum(parse_tree(root) for root in sys.argv[1:]))
