"""Command lines from dataclasses: :func:`parse_args` turns an ``Args`` dataclass whose fields
carry docstrings (CleanRL style) into an ``argparse`` parser whose help is those docstrings."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import textwrap
import types
import typing
from collections.abc import Sequence
from typing import Any, TypeVar

__all__ = ["field_docs", "parse_args"]

T = TypeVar("T")


def field_docs(cls: type) -> dict[str, str]:
    """The string literal under each annotated field of ``cls``.

    >>> @dataclasses.dataclass
    ... class A:
    ...     lr: float = 1e-3
    ...     \"\"\"Learning rate.\"\"\"
    >>> field_docs(A)
    {'lr': 'Learning rate.'}
    """
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]  # the class definition's statements
    docs: dict[str, str] = {}
    for stmt, following in zip(body, body[1:]):
        if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)):
            docs[stmt.target.id] = inspect.cleandoc(following.value.value)
    return docs


def _add(parser: argparse.ArgumentParser, field: dataclasses.Field[Any], kind: Any,
         doc: str) -> None:
    flag = "--" + field.name.replace("_", "-")
    default = field.default
    if kind is bool:
        parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default,
                            help=f"{doc} (default: {default})")
        return
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        kind = next(a for a in args if a is not type(None))
    choices = list(args) if origin is typing.Literal else None
    converter = type(choices[0]) if choices else kind
    parser.add_argument(flag, type=converter, default=default, choices=choices,
                        help=f"{doc} (default: {default})")


def parse_args(cls: type[T], argv: Sequence[str] | None = None, *,
               description: str | None = None, prog: str | None = None) -> T:
    """Parse ``argv`` into an instance of the dataclass ``cls``.

    >>> @dataclasses.dataclass
    ... class A:
    ...     steps: int = 10
    ...     \"\"\"How many steps.\"\"\"
    >>> parse_args(A, ["--steps", "3"])
    A(steps=3)
    """
    parser = argparse.ArgumentParser(prog=prog, description=description or inspect.getdoc(cls),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    docs = field_docs(cls)
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]  # cls is a dataclass
        _add(parser, field, hints[field.name], docs.get(field.name, ""))
    namespace = parser.parse_args(argv)
    return cls(**vars(namespace))
