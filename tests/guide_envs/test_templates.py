"""Prompt templates: the prompt field, choices, a system message, and the hinted form."""

from __future__ import annotations

import pytest

from guide_envs import Problem, PromptTemplate
from guide_envs.templates import BOXED, CODE, HINT_NOTE, get_template
from guide_envs.wrappers import GUIDED


def test_template_needs_prompt_field_and_renders_choices() -> None:
    with pytest.raises(ValueError, match="prompt"):
        PromptTemplate("no placeholder")
    p = Problem(id="q", domain="science", prompt="Pick one.", answer="B", choices=["x", "y"])
    text = get_template("boxed").render(p)
    assert "(A) x\n(B) y" in text
    system = PromptTemplate("{prompt}", system="Be brief.").messages(p)
    assert system[0] == {"role": "system", "content": "Be brief."}
    with pytest.raises(ValueError, match="unknown template"):
        get_template("fancy")


def test_every_guided_prompt_gives_the_hint_then_the_same_note() -> None:
    problem = Problem(id="p", domain="math", prompt="What is 2+3?", answer="5")
    block = f"\n\nHint: Count on.\n\n{HINT_NOTE}"
    assert BOXED.render(problem, "Count on.").startswith("What is 2+3?" + block + " Please")
    assert CODE.render(problem, "Count on.").startswith("What is 2+3?" + block + " Think")
    assert GUIDED.render("What is 2+3?", "Count on.") == "What is 2+3?" + block
