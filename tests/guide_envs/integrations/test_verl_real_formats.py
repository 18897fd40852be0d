"""The verl adapter on real dataset formats, called the way verl calls it.

Rows are copied verbatim from the public GSM8K test split and MMLU (STEM subjects), in
_real_rows.py. verl's reward managers call ``compute_score(data_source=, solution_str=,
ground_truth=, extra_info=)`` (the reward loop adds ``reward_router_address=`` and
``reward_model_tokenizer=``) after adding ``num_turns`` and ``rollout_reward_scores`` to
``extra_info``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest
from _real_rows import GSM8K, HASHES_RIGHT, HASHES_WRONG, MMLU

import guide_envs
from guide_envs.integrations.trl import reward_function
from guide_envs.integrations.verl import compute_score

from ._trainer_calls import _trl_call

gym.register_envs(guide_envs)

MMLU_RESPONSES = ["So the answer is \\boxed{C}.", "The answer is (C).",
                  "\\boxed{a base pair is either inserted or deleted in a gene}",
                  "\\boxed{A}", "I cannot tell."]
MMLU_EXPECTED = [1.0, 1.0, 1.0, 0.0, 0.0]


def _verl(solution: str, ground_truth: Any, extra_info: dict[str, Any] | None = None,
          data_source: str = "openai/gsm8k", **more: Any) -> dict[str, Any]:
    """``compute_score`` as verl's naive reward manager calls it."""
    info = {"split": "test", "index": 0, **(extra_info or {}),
            "num_turns": None, "rollout_reward_scores": {}}
    return compute_score(data_source=data_source, solution_str=solution,
                         ground_truth=ground_truth, extra_info=info, **more)


def test_verl_gsm8k_answer_after_hashes_scores() -> None:
    right = _verl(HASHES_RIGHT, "18", {"answer": GSM8K["answer"],
                                       "question": GSM8K["question"]})
    assert right == {"score": 1.0, "acc": True, "pred": "18", "status": "correct"}
    wrong = _verl(HASHES_WRONG, "18")
    assert (wrong["score"], wrong["acc"], wrong["pred"]) == (0.0, False, "17")
    assert _verl(HASHES_RIGHT, GSM8K["answer"])["acc"] is True  # a raw GSM8K gold too


def test_verl_takes_the_reward_loop_keywords() -> None:
    score = _verl(HASHES_RIGHT, "18", reward_router_address=None, reward_model_tokenizer=None)
    assert score["score"] == 1.0


@pytest.mark.parametrize(("solution", "ground_truth", "info", "source"), [
    (HASHES_RIGHT, "18", None, "openai/gsm8k"),
    ("no answer at all", "18", None, "openai/gsm8k"),
    ("\\boxed{C}", 2, {"choices": MMLU["choices"]}, "cais/mmlu"),
    ("```python\nprint(1)\n```", json.dumps({"inputs": ["1\n"], "outputs": ["1\n"]}), None,
     "codecontests"),
    ("\\boxed{1}", None, None, "openai/gsm8k"),
])
def test_verl_returns_the_keys_its_metrics_read(solution: str, ground_truth: Any,
                                                info: dict[str, Any] | None,
                                                source: str) -> None:
    """verl averages numeric keys and votes maj@N on the string ``pred`` of every sample."""
    score = _verl(solution, ground_truth, info, data_source=source)
    assert set(score) == {"score", "acc", "pred", "status"}
    assert type(score["score"]) is float and type(score["acc"]) is bool
    assert isinstance(score["pred"], str) and isinstance(score["status"], str)


def test_verl_multiple_choice_gold_as_option_index_matches_the_env(tmp_path: Path) -> None:
    data = tmp_path / "mmlu.jsonl"
    data.write_text(json.dumps(MMLU) + "\n")
    env = gym.make("guide/Science-v0", source="mmlu", path=str(data))
    by_env = []
    for response in MMLU_RESPONSES:
        env.reset(options={"index": 0})
        by_env.append(float(env.step(response)[1]))
    assert by_env == MMLU_EXPECTED
    info = {"choices": MMLU["choices"]}
    assert [_verl(r, MMLU["answer"], info, "cais/mmlu")["score"]
            for r in MMLU_RESPONSES] == MMLU_EXPECTED
    assert [_verl(r, "C", info, "cais/mmlu")["score"] for r in MMLU_RESPONSES] == MMLU_EXPECTED
    with reward_function("science", workers=1) as reward:
        n = len(MMLU_RESPONSES)
        assert _trl_call(reward, MMLU_RESPONSES, answer=[MMLU["answer"]] * n,
                         choices=[MMLU["choices"]] * n, question=[MMLU["question"]] * n,
                         type=[MMLU["type"]] * n) == MMLU_EXPECTED
