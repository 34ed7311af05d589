"""Plain data classes that cost nothing to define: `@record` instead of `@dataclass`.

`dataclasses.dataclass` writes and compiles `__init__`, `__repr__` and `__eq__` (plus
`__setattr__`/`__hash__` when frozen) for every class while its module is imported: about
half a millisecond a class. The `iamlint check` path defines some ninety such classes, so
on a one-file pre-commit run that was a third of the start-up time. A record reads its
fields from the class annotations once and shares one generic `__repr__` and `__eq__`.
Its `__init__` is compiled when the first instance is created (only classes a run
instantiates pay for it); from then on creating an instance costs what it does with a
dataclass, which matters for the hundreds of thousands of Pointers of a large run.

Supported: `@record`, `@record(frozen=True)`, `@record(eq=False)`, field defaults, and
`field(default=..., default_factory=..., repr=False, init=False)`; fields of record
base classes come first, as with dataclasses. Not supported: `__slots__`, ordering,
`__post_init__` (none of our classes needs them; keep `@dataclass` there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

T = TypeVar("T")

if TYPE_CHECKING:  # type checkers then treat records as dataclasses (PEP 681)
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[T], T]:
        return lambda decorated: decorated


_MISSING: Any = object()


class FrozenRecordError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Field:
    __slots__ = ("default", "default_factory", "init", "repr")

    def __init__(
        self, default: Any, default_factory: Callable[[], Any] | None, init: bool, repr: bool
    ) -> None:
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    init: bool = True,
    repr: bool = True,
) -> Any:
    """A field with options, as `dataclasses.field` (the subset records support)."""
    return _Field(default, default_factory, init, repr)


class _Spec:
    """What the generic methods need to know about one record class."""

    __slots__ = ("count", "defaults", "factories", "init_names", "init_set", "name", "shown")

    def __init__(self, name: str, fields: dict[str, _Field]) -> None:
        self.name = name
        self.count = len(fields)
        self.init_names = tuple(key for key, spec in fields.items() if spec.init)
        self.init_set = frozenset(self.init_names)
        self.defaults = {
            key: spec.default for key, spec in fields.items() if spec.default is not _MISSING
        }
        self.factories = tuple(
            (key, spec.default_factory)
            for key, spec in fields.items()
            if spec.default_factory is not None
        )
        self.shown = tuple(key for key, spec in fields.items() if spec.repr)


@dataclass_transform(field_specifiers=(field,))
def record(cls: type[T] | None = None, /, *, frozen: bool = False, eq: bool = True) -> Any:
    """Class decorator: make `cls` a record (see the module docstring)."""

    def wrap(target: type[T]) -> type[T]:
        return _make_record(target, frozen, eq)

    return wrap if cls is None else wrap(cls)


def _make_record(cls: type[T], frozen: bool, eq: bool) -> type[T]:
    if "__slots__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: records do not support __slots__")
    fields = _inherited_fields(cls)
    # inspect.get_annotations would import inspect, which is what this module avoids paying
    for name in cls.__dict__.get("__annotations__", {}):  # noqa: RUF063
        fields[name] = _own_field(cls, name)
    spec = _Spec(cls.__name__, fields)
    cls._record_spec = spec  # type: ignore[attr-defined]
    cls._record_fields = fields  # type: ignore[attr-defined]
    cls.__init__ = _first_init  # type: ignore[assignment,misc]
    if "__repr__" not in cls.__dict__:
        cls.__repr__ = _repr  # type: ignore[assignment,method-assign]
    if eq:
        cls.__eq__ = _eq  # type: ignore[assignment,method-assign]
        cls.__hash__ = _hash if frozen else None  # type: ignore[assignment,method-assign]
    if frozen:
        cls.__setattr__ = _refuse_setattr  # type: ignore[assignment,method-assign]
        cls.__delattr__ = _refuse_delattr  # type: ignore[assignment,method-assign]
    return cls


def _inherited_fields(cls: type) -> dict[str, _Field]:
    fields: dict[str, _Field] = {}
    for base in reversed(cls.__mro__[1:]):
        fields.update(base.__dict__.get("_record_fields", {}))
    return fields


def _own_field(cls: type, name: str) -> _Field:
    value = cls.__dict__.get(name, _MISSING)
    spec = value if isinstance(value, _Field) else _Field(value, None, True, True)
    if spec.default is _MISSING:
        if name in cls.__dict__:
            delattr(cls, name)
    else:
        setattr(cls, name, spec.default)
    return spec


def _first_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """Compile the record class's own `__init__`, install it, and run it."""
    owner = next(c for c in type(self).__mro__ if "_record_spec" in c.__dict__)
    owner.__init__ = _compiled_init(owner) or _init
    owner.__init__(self, *args, **kwargs)


def _compiled_init(cls: type) -> Callable[..., None] | None:
    """An `__init__` written out for `cls`'s fields, as dataclasses write theirs; None
    when the fields do not allow one (the generic `_init` then serves)."""
    fields: dict[str, _Field] = cls._record_fields  # type: ignore[attr-defined]
    namespace: dict[str, Any] = {"_rec_missing": _MISSING}
    params: list[str] = []
    body = ["  _rec_d = self.__dict__"]
    for name, spec in fields.items():
        if not name.isidentifier() or name == "self" or name.startswith("_rec_"):
            return None
        namespace[f"_rec_factory_{name}"] = spec.default_factory
        namespace[f"_rec_default_{name}"] = spec.default
        if spec.default_factory is not None:
            made = f"_rec_factory_{name}()"
        elif spec.default is not _MISSING:
            made = f"_rec_default_{name}"
        elif spec.init:
            made = ""
        else:
            return None  # init=False without a default: let the generic init complain
        if not spec.init:
            body.append(f"  _rec_d[{name!r}] = {made}")
        elif spec.default_factory is not None:
            params.append(f"{name}=_rec_missing")
            body.append(f"  _rec_d[{name!r}] = {made} if {name} is _rec_missing else {name}")
        else:
            if not made and params and "=" in params[-1]:
                return None  # a field without default after one with a default
            params.append(f"{name}={made}" if made else name)
            body.append(f"  _rec_d[{name!r}] = {name}")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body) + "\n"
    try:
        exec(source, namespace)
    except SyntaxError:  # a field named like a keyword
        return None
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    spec: _Spec = self._record_spec
    values = spec.defaults.copy()
    for name, factory in spec.factories:
        if name not in kwargs:
            values[name] = factory()
    if args:
        if len(args) > len(spec.init_names):
            raise TypeError(f"{spec.name}() takes {len(spec.init_names)} arguments")
        values.update(zip(spec.init_names, args, strict=False))
    if kwargs:
        if not spec.init_set.issuperset(kwargs):
            unknown = sorted(set(kwargs) - spec.init_set)
            raise TypeError(f"{spec.name}() got unexpected arguments {unknown}")
        values.update(kwargs)
    if len(values) != spec.count:
        missing = [name for name in spec.init_names if name not in values]
        raise TypeError(f"{spec.name}() missing arguments {missing}")
    self.__dict__.update(values)


def _values(self: Any) -> tuple[Any, ...]:
    attributes = self.__dict__
    return tuple(attributes[name] for name in self._record_fields)


def _repr(self: Any) -> str:
    spec: _Spec = self._record_spec
    shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in spec.shown)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _refuse_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r} of a frozen record")


def _refuse_delattr(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r} of a frozen record")
