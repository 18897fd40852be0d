"""Command lines from dataclasses: :func:`parse_args`, :func:`run_command`, :func:`field_docs`.

An ``Args`` dataclass whose fields carry docstrings (CleanRL style) becomes an ``argparse``
parser whose help is those docstrings.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import sys
import textwrap
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from agents.env_client import VerifierUnavailableError
from agents.errors import UsageError

__all__ = ["field_docs", "parse_args", "run_command"]

T = TypeVar("T")


def field_docs(cls: type) -> dict[str, str]:
    """The string literal under each annotated field of ``cls`` and its dataclass bases.

    A field declared again in a subclass takes the subclass's doc.

    Classes without source code (defined in a REPL) have no field docs.

    >>> from agents.guide_grpo import Args
    >>> field_docs(Args)["group_size"]
    'Rollouts per prompt (G); at least 2.'
    >>> field_docs(Args)["seed"]  # inherited from agents.trainer.CommonArgs
    'Seed of problems, sampling and initialisation.'
    """
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if dataclasses.is_dataclass(klass):
            docs.update(_own_field_docs(klass))
    return docs


def _own_field_docs(cls: type) -> dict[str, str]:
    """The field docs written in ``cls``'s own body."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return {}
    tree = ast.parse(textwrap.dedent(source))
    body = tree.body[0].body  # type: ignore[attr-defined]  # the class definition's statements
    docs: dict[str, str] = {}
    for stmt, following in zip(body, body[1:], strict=False):
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

    >>> from agents.guide_grpo import Args
    >>> parse_args(Args, ["--group-size", "4"]).group_size
    4
    """
    parser = argparse.ArgumentParser(prog=prog, description=description or inspect.getdoc(cls),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    docs = field_docs(cls)
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]  # cls is a dataclass
        _add(parser, field, hints[field.name], docs.get(field.name, ""))
    namespace = parser.parse_args(argv)
    return cls(**vars(namespace))


def run_command(cls: type[T], job: Callable[[T], object], argv: Sequence[str] | None, *,
                prog: str) -> int:
    """Parse ``argv`` into ``cls`` and run ``job`` on it; the exit status.

    The user's mistakes (:class:`~agents.errors.UsageError`: bad options, a missing file, an
    extra not installed) and a verifier that cannot run here
    (:class:`~agents.env_client.VerifierUnavailableError`) print one ``error:`` line and give 2;
    anything else is a bug and keeps its traceback.

    >>> from agents.guide_grpo import Args
    >>> run_command(Args, lambda args: None, ["--group-size", "4"], prog="demo")
    0
    """
    args = parse_args(cls, argv, prog=prog)
    try:
        job(args)
    except (UsageError, VerifierUnavailableError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
