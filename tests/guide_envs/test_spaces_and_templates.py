from __future__ import annotations

import pytest

from guide_envs import Problem, PromptTemplate, UnicodeText
from guide_envs.templates import BOXED, CODE, HINT_NOTE, get_template
from guide_envs.wrappers import GUIDED


def test_unicode_text_accepts_real_model_output() -> None:
    space = UnicodeText(max_length=1000)
    for text in ["", "plain", "$\\frac{1}{2}$ — ∑ 答案 🙂", "\x00nul", "\ud800 lone surrogate"]:
        assert space.contains(text), repr(text)
    assert not space.contains(None)
    assert not space.contains("x" * 1001)
    assert not UnicodeText(10, min_length=1).contains("")


def test_unicode_text_samples_are_members_and_seeded() -> None:
    space = UnicodeText(max_length=1 << 22, seed=3)
    samples = [space.sample() for _ in range(20)]
    assert all(space.contains(s) and len(s) <= space.sample_max_length for s in samples)
    replay = UnicodeText(max_length=1 << 22, seed=3)
    assert samples == [replay.sample() for _ in range(20)]
    assert UnicodeText(5).sample(mask=(3, None)).__len__() == 3


def test_unicode_text_rejects_bad_bounds() -> None:
    with pytest.raises(ValueError, match="max_length"):
        UnicodeText(max_length=0)


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


def test_problem_validates_fields() -> None:
    with pytest.raises(ValueError, match="domain"):
        Problem(id="x", domain="poetry", prompt="?", answer="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="gold answer"):
        Problem(id="x", domain="math", prompt="?")
    assert Problem(id="c", domain="code", prompt="write f", tests=["assert f()"]).answer is None
