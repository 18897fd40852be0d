r"""Hint providers by name, as the learners' ``--hint`` option spells them: :func:`hint_provider`.

``"auto"``
    The problem's own hint (a dataset's hint column, the procedural generators' hints), else the
    first half of its worked solution (GSM8K's rationale, MATH's solution) through a
    :class:`~guide_envs.hints.LeakGuard`, else none.
``"field"``
    The problem's own hint only.
``"solution-prefix"`` or ``"solution-prefix:F"``
    The leading fraction ``F`` (default 0.5) of the worked solution's steps, leak-guarded.
``"teacher:<base_url>:<model>"``
    A teacher model behind an OpenAI-compatible endpoint, leak-guarded, e.g.
    ``teacher:http://localhost:8000/v1:Qwen/Qwen2.5-7B-Instruct``. The base URL ends at the
    first ``:`` after its host, port and path; everything after it is the model name.
``"none"``
    No hints (None): guidance has nothing to show.

Hints a project wrote itself (fields) are trusted; hints cut from solutions or written by a model
can state the answer, so they pass the leak guard, which redacts or rejects such hints.

Example:
    >>> from guide_envs.problem import Problem
    >>> p = Problem(id="a", domain="math", prompt="(3+4)*2?", answer="14",
    ...             solution="Add: 3 + 4 = 7.\nDouble it: 7 * 2 = 14.\nCheck it.\n#### 14")
    >>> hint_provider("auto").hint(p)
    'Add: 3 + 4 = 7.'
    >>> hint_provider("solution-prefix:0.7").hint(p)  # the second step states 14
    'Add: 3 + 4 = 7.\nDouble it: […] = […].'
    >>> hint_provider("none") is None
    True
"""

from __future__ import annotations

import re

from guide_envs.hints.leak import GuardedHint, LeakGuard
from guide_envs.hints.protocol import HintProvider
from guide_envs.hints.providers import FieldHint, FirstAvailable, SolutionPrefixHint

__all__ = ["HINT_SPECS", "hint_provider", "parse_teacher"]

#: The forms :func:`hint_provider` accepts (``F``: a fraction in (0, 1)).
HINT_SPECS = ("auto", "field", "solution-prefix[:F]", "teacher:<base_url>:<model>", "none")

# scheme://host[:port][/path without colons] : model (a model never looks like "8000/v1")
_TEACHER = re.compile(r"(?P<url>https?://[^/:\s]+(?::\d+)?(?:/[^:\s]*)?)"
                      r":(?!\d+(?:/|$))(?P<model>\S+)")


def hint_provider(spec: str) -> HintProvider | None:
    """The provider ``spec`` names (see the module doc), or None for ``"none"``.

    Raises ``ValueError`` naming the accepted forms for anything else.

    >>> hint_provider("teacher:http://localhost:8000/v1:qwen2.5:7b")  # doctest: +ELLIPSIS
    GuardedHint(TeacherHint(...qwen2.5:7b...), LeakGuard(mode='redact', verifier=None))
    """
    spec = spec.strip()
    if spec == "none":
        return None
    if spec == "field":
        return FieldHint()
    if spec == "auto":
        return FirstAvailable(FieldHint(), GuardedHint(SolutionPrefixHint(0.5), LeakGuard()))
    if spec == "solution-prefix" or spec.startswith("solution-prefix:"):
        return GuardedHint(SolutionPrefixHint(_fraction(spec)), LeakGuard())
    if spec.startswith("teacher:"):
        from guide_envs.hints.teacher import TeacherHint

        base_url, model = parse_teacher(spec)
        return GuardedHint(TeacherHint(model, base_url), LeakGuard())
    raise ValueError(f"unknown hint provider {spec!r}; use one of: {', '.join(HINT_SPECS)}")


def parse_teacher(spec: str) -> tuple[str, str]:
    """The base URL and model name of a ``teacher:<base_url>:<model>`` spec.

    >>> parse_teacher("teacher:http://localhost:8000/v1:Qwen/Qwen2.5-7B-Instruct")
    ('http://localhost:8000/v1', 'Qwen/Qwen2.5-7B-Instruct')
    >>> parse_teacher("teacher:http://10.0.0.5:8000:llama3:8b")
    ('http://10.0.0.5:8000', 'llama3:8b')
    """
    match = _TEACHER.fullmatch(spec.removeprefix("teacher:"))
    if match is None:
        raise ValueError(f"bad teacher hint spec {spec!r}; write teacher:<base_url>:<model>, e.g. "
                         "teacher:http://localhost:8000/v1:Qwen/Qwen2.5-7B-Instruct")
    return match["url"], match["model"]


def _fraction(spec: str) -> float:
    _, _, text = spec.partition(":")
    if not text:
        return 0.5
    try:
        fraction = float(text)
    except ValueError:
        fraction = -1.0
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"bad hint spec {spec!r}: the solution-prefix fraction must be a number "
                         f"in (0, 1), e.g. solution-prefix:0.5")
    return fraction
