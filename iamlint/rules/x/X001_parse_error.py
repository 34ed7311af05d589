"""X001 parse-error: a file could not be parsed.

## What it does
Reports a file that is not valid JSON or YAML, is not UTF-8 text, is larger than the
configured `max-file-bytes`, nests deeper than the loader allows, or expands YAML aliases
beyond a safe bound ("billion laughs"). The position is the parser's own line and column.

## Why it matters
A file that does not parse is not linted at all: whatever it was meant to declare (a trust
policy, a ServiceAccount) is missing from the model, and cross-file checks that need it
are skipped. The run goes on with the other files.

## Example
```json
{"Version": "2012-10-17", "Statement": [ {"Effect": "Allow",} ]}
```
`invalid JSON: Expecting property name enclosed in double quotes` at the trailing comma.

## Fix
Correct the syntax at the reported position. For generated files, fix the generator.

## References
- https://www.json.org/json-en.html
- https://yaml.org/spec/1.2.2/
"""

from iamlint.rules.registry import declare

declare(
    "X001",
    "parse-error",
    "error",
    "File could not be parsed (invalid JSON/YAML, bad encoding, YAML bomb, nesting too deep).",
    doc=__doc__ or "",
    module=__name__,
)
