"""Making an env with a wrong id or keyword says, in one line, what was wrong and what is valid."""

from __future__ import annotations

import gymnasium as gym
import pytest

import guide_envs
from guide_envs.registration import ENV_IDS

gym.register_envs(guide_envs)

OUR_IDS = ", ".join(ENV_IDS)


def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(exc.value)
    assert "\n" not in text and "was raised from the environment creator" not in text
    return text


@pytest.mark.parametrize(("env_id", "error", "suggestion"), [
    ("guide/Mth-v0", gym.error.NameNotFound, "guide/Math-v0"),
    ("guide/Sciense-v0", gym.error.NameNotFound, "guide/Science-v0"),
    ("guide_envs:guide/Cod-v0", gym.error.NameNotFound, "guide/Code-v0"),
    ("guide/Math-v1", gym.error.VersionNotFound, "guide/Math-v0"),
    ("Math-v0", gym.error.NameNotFound, "guide/Math-v0"),
])
def test_an_unknown_id_lists_the_guide_ids_and_the_closest(env_id: str, error: type,
                                                           suggestion: str) -> None:
    with pytest.raises(error) as exc:
        guide_envs.make(env_id)
    assert _one_line(exc) == (f"unknown env id {env_id!r}; did you mean {suggestion!r}? "
                              f"guide-rl ids: {OUR_IDS}")


def test_an_unknown_guide_id_with_nothing_close_still_lists_ours() -> None:
    with pytest.raises(gym.error.NameNotFound) as exc:
        guide_envs.make("guide/Chemistry-v0")
    assert _one_line(exc) == f"unknown env id 'guide/Chemistry-v0'; guide-rl ids: {OUR_IDS}"


def test_make_is_gym_make_otherwise() -> None:
    env = guide_envs.make("guide/Math-v0", families=["arithmetic"], difficulty=1)
    assert env.spec is not None and env.spec.id == "guide/Math-v0"
    assert env.reset(seed=0)[1]["problem_id"].startswith("arithmetic/d1/")
    with pytest.raises(gym.error.VersionNotFound, match="CartPole"):  # not ours: gymnasium's
        guide_envs.make("CartPole-v9")


@pytest.mark.parametrize(("env_id", "kwargs", "bad", "closest"), [
    ("guide/Math-v0", {"sourse": "gsm8k"}, "sourse", "source"),
    ("guide/Math-v0", {"familes": ["arithmetic"]}, "familes", "families"),
    ("guide/Science-v0", {"difficulty": 1, "seeds": 3}, "seeds", "seed"),
    ("guide/Code-v0", {"source": "mbpp", "data_file": "mbpp.jsonl"}, "data_file", "data_files"),
    ("guide/Math-v0", {"source": "gsm8k", "data_file": "x.jsonl"}, "data_file", "data_files"),
    ("guide/Math-v0", {"tempalte": "boxed"}, "tempalte", "template"),
])
def test_a_misspelled_keyword_names_itself_the_closest_and_the_valid_ones(
        env_id: str, kwargs: dict[str, object], bad: str, closest: str) -> None:
    with pytest.raises(TypeError) as exc:
        gym.make(env_id, **kwargs)
    text = _one_line(exc)
    source = kwargs.get("source", "procedural")
    assert text.startswith(f"{env_id} with source={source!r} got an unexpected keyword "
                           f"argument {bad!r}; did you mean {closest!r}? valid: source, "
                           "template, verifier, render_mode, ")
    from guide_envs.registration import UnknownArgument

    assert isinstance(exc.value, UnknownArgument)


def test_the_valid_list_is_the_sources_own() -> None:
    with pytest.raises(TypeError) as exc:
        gym.make("guide/Science-v0", source="mmlu", limt=3)
    assert _one_line(exc).endswith("valid: source, template, verifier, render_mode, "
                                   "data_files, path, limit")
    with pytest.raises(TypeError) as exc:
        gym.make("guide/Math-v0", sourse="gsm8k")
    assert _one_line(exc).endswith("valid: source, template, verifier, render_mode, families, "
                                   "difficulty, seed, size")


def test_a_keyword_of_another_source_says_which_sources_take_it() -> None:
    with pytest.raises(TypeError) as exc:
        gym.make("guide/Math-v0", data_files="gsm8k_test.jsonl")  # forgot source="gsm8k"
    text = _one_line(exc)
    assert "argument 'data_files'; 'data_files' is a keyword of source 'dataset', 'mmlu'" in text


def test_vector_envs_report_the_same_line() -> None:
    with pytest.raises(TypeError, match="did you mean 'source'"):
        gym.make_vec("guide/Math-v0", num_envs=2, sourse="gsm8k")
