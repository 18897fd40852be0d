"""How a problem becomes what the model reads: :class:`PromptTemplate` and the built-in ones.

The default (:data:`BOXED`) asks for step-by-step reasoning and the final answer in
``\\boxed{}``, the convention of the Guide paper, Qwen2.5-Math and DeepSeek-R1 evaluations.
"""

from __future__ import annotations

from dataclasses import dataclass

from guide_envs.problem import Problem

__all__ = ["BOXED", "CODE", "PLAIN", "TEMPLATES", "PromptTemplate", "get_template"]


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

    def __post_init__(self) -> None:
        if "{prompt}" not in self.user:
            raise ValueError(f"a template's user message needs a {{prompt}} field: {self.user!r}")

    def render(self, problem: Problem) -> str:
        """The prompt as one string (the observation)."""
        choices = "\n".join(f"({chr(65 + i)}) {c}" for i, c in enumerate(problem.choices))
        user = self.user if choices else self.user.replace("\n{choices}", "")
        text = user.replace("{choices}", choices).replace("{prompt}", problem.prompt)
        return text.strip()

    def messages(self, problem: Problem) -> list[dict[str, str]]:
        """The prompt as chat messages, for ``tokenizer.apply_chat_template``."""
        system = [{"role": "system", "content": self.system}] if self.system else []
        return [*system, {"role": "user", "content": self.render(problem)}]


BOXED = PromptTemplate(
    "{prompt}\n{choices}\n\nPlease reason step by step, and put your final answer within \\boxed{}."
)
PLAIN = PromptTemplate("{prompt}\n{choices}")
#: The default of ``guide/Code-v0``: the program goes in a fenced block, which the code verifier
#: reads (the last ```python block of the completion).
CODE = PromptTemplate(
    "{prompt}\n\nThink it through step by step, then give your complete solution in one "
    "```python code block."
)
TEMPLATES: dict[str, PromptTemplate] = {"boxed": BOXED, "plain": PLAIN, "code": CODE}


def get_template(template: str | PromptTemplate) -> PromptTemplate:
    """A template by name (``"boxed"``, ``"plain"``) or passed through."""
    if isinstance(template, PromptTemplate):
        return template
    try:
        return TEMPLATES[template]
    except KeyError:
        raise ValueError(f"unknown template {template!r}; choose from {sorted(TEMPLATES)} "
                         "or pass a PromptTemplate") from None
