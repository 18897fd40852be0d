"""How a problem becomes what the model reads: :class:`PromptTemplate` and the built-in ones.

The default (:data:`BOXED`) asks for step-by-step reasoning and the final answer in
``\\boxed{}``, the convention of the Guide paper, Qwen2.5-Math and DeepSeek-R1 evaluations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guide_envs.problem import Problem

__all__ = ["BOXED", "CHAIN", "CODE", "HINT_NOTE", "PLAIN", "TEMPLATES", "PromptTemplate",
           "get_template", "with_hint"]


_FIELD = re.compile(r"\{(prompt|choices|hint)\}")


@dataclass(frozen=True)
class PromptTemplate:
    """A user message (and an optional system message) with a ``{prompt}`` placeholder.

    ``{choices}`` is replaced by the lettered options of a multiple-choice problem (empty
    otherwise).

    Example:
        >>> p = Problem(id="p", domain="math", prompt="What is 2+3?", answer="5")
        >>> print(BOXED.render(p))
        What is 2+3?
        <BLANKLINE>
        Please reason step by step, and put your final answer within \\boxed{}.
        >>> BOXED.messages(p)[0]["role"]
        'user'
    """

    user: str
    system: str | None = None
    hinted: str | None = None

    def __post_init__(self) -> None:
        if "{prompt}" not in self.user:
            raise ValueError(f"a template's user message needs a {{prompt}} field: {self.user!r}")
        if self.hinted is not None and not all(f in self.hinted for f in ("{prompt}", "{hint}")):
            raise ValueError(f"a hinted user message needs {{prompt}} and {{hint}} fields: "
                             f"{self.hinted!r}")

    def render(self, problem: Problem, hint: str | None = None) -> str:
        """The prompt as one string (the observation); with ``hint``, the guided prompt.

        A hint needs the ``hinted`` form of the template (``ValueError`` otherwise); the
        :class:`~guide_envs.wrappers.HintOnFailure` wrapper falls back to its own template.
        """
        user = self.user
        if hint is not None:
            if self.hinted is None:
                raise ValueError("this template has no hinted form")
            user = self.hinted
        choices = "\n".join(f"({chr(65 + i)}) {c}" for i, c in enumerate(problem.choices))
        user = user if choices else user.replace("\n{choices}", "")
        values = {"prompt": problem.prompt, "choices": choices, "hint": hint or ""}
        # one pass, so that a prompt or hint containing "{hint}" is left as it is
        return _FIELD.sub(lambda m: values[m.group(1)], user).strip()

    def messages(self, problem: Problem, hint: str | None = None) -> list[dict[str, str]]:
        """The prompt as chat messages, for ``tokenizer.apply_chat_template``."""
        system = [{"role": "system", "content": self.system}] if self.system else []
        return [*system, {"role": "user", "content": self.render(problem, hint)}]


#: What a guided prompt says after its hint: the guided completion must still be a complete
#: solution, so that the learner can train on it as if the hint had not been there.
HINT_NOTE = "The hint is only a starting point: write out the complete solution yourself."
_HINT = "\n\nHint: {hint}"


def with_hint(text: str) -> str:
    """``text`` followed by the hint (a ``{hint}`` field) and :data:`HINT_NOTE`.

    Every guided wording is built here: the hinted forms of the templates below and the
    :data:`~guide_envs.wrappers.GUIDED` template of the hint wrapper.

    >>> print(with_hint("{prompt}"))
    {prompt}
    <BLANKLINE>
    Hint: {hint}
    <BLANKLINE>
    The hint is only a starting point: write out the complete solution yourself.
    """
    return f"{text}{_HINT}\n\n{HINT_NOTE}"


_STEP_BY_STEP = "Please reason step by step, and put your final answer within \\boxed{}."
BOXED = PromptTemplate(
    "{prompt}\n{choices}\n\n" + _STEP_BY_STEP,
    hinted=with_hint("{prompt}\n{choices}") + " " + _STEP_BY_STEP,
)
PLAIN = PromptTemplate("{prompt}\n{choices}", hinted="{prompt}\n{choices}" + _HINT)
#: The default of ``guide/Code-v0``: the program goes in a fenced block, which the code verifier
#: reads (the last ```python block of the completion).
_CODE_BLOCK = ("Think it through step by step, then give your complete solution in one "
               "```python code block.")
CODE = PromptTemplate("{prompt}\n\n" + _CODE_BLOCK,
                      hinted=with_hint("{prompt}") + " " + _CODE_BLOCK)
#: The compact format of the ``tiny`` preset (the ``rewrite_chain`` family): the model continues
#: after ``S:`` with the chain of rewrites and ``;A:<answer>``; a hint (a first state) goes after
#: ``H:``. Characters only from a 32-symbol vocabulary, so a character tokenizer suffices.
CHAIN = PromptTemplate("Q:{prompt} S:", hinted="Q:{prompt} H:{hint} S:")
TEMPLATES: dict[str, PromptTemplate] = {"boxed": BOXED, "plain": PLAIN, "code": CODE,
                                        "chain": CHAIN}


def get_template(template: str | PromptTemplate) -> PromptTemplate:
    """A template by name (``"boxed"``, ``"plain"``, ``"code"``, ``"chain"``) or passed through.

    >>> get_template("chain").render(Problem(id="c", domain="math", prompt="2*3+1", answer="7"))
    'Q:2*3+1 S:'
    """
    if isinstance(template, PromptTemplate):
        return template
    try:
        return TEMPLATES[template]
    except KeyError:
        raise ValueError(f"unknown template {template!r}; choose from {sorted(TEMPLATES)} "
                         "or pass a PromptTemplate") from None
