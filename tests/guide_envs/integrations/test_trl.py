"""The TRL integration: the dataset and the reward on real env problems, a real GRPOTrainer run, and
a reward whose code sandbox cannot start."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest
from _sandbox_unavailable import _check_warning, _run

import guide_envs
from guide_envs.integrations.trl import GuideReward, dataset, reward_function

gym.register_envs(guide_envs)

ENV_ID = "guide/Math-v0"
ENV_KWARGS = {"families": ["arithmetic"], "difficulty": 1}
ADD = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"


@pytest.fixture(scope="module")
def math_reward() -> Iterator[GuideReward]:
    with reward_function(ENV_ID, workers=2, **ENV_KWARGS) as reward:
        yield reward


def _gold(reward: GuideReward, problem_id: str) -> tuple[str, str]:
    """The problem's reference solution and gold answer."""
    problem = reward.env.unwrapped.source.find(problem_id)
    assert problem.solution is not None and problem.answer is not None
    return problem.solution, problem.answer


def test_dataset_has_prompts_and_ids_but_no_gold() -> None:
    ds = dataset(ENV_ID, 5, seed=3, **ENV_KWARGS)
    assert ds.column_names == ["prompt", "problem_id"]
    assert len(set(ds["problem_id"])) == 5
    env = gym.make(ENV_ID, **ENV_KWARGS)
    _, info = env.reset(seed=3)
    assert ds[0]["prompt"] == info["messages"] and ds[0]["problem_id"] == info["problem_id"]
    text = dataset(ENV_ID, 2, seed=3, conversational=False, **ENV_KWARGS)
    assert isinstance(text[0]["prompt"], str) and text[0]["prompt"].startswith("Compute")


def test_env_reward_grades_right_wrong_garbage_and_chat(math_reward: GuideReward) -> None:
    ds = dataset(ENV_ID, 2, seed=0, **ENV_KWARGS)
    ids = ds["problem_id"]
    solution0, _ = _gold(math_reward, ids[0])
    _, answer1 = _gold(math_reward, ids[1])
    completions = [
        solution0,                                   # right
        f"\\boxed{{{int(answer1) + 1}}}",            # wrong
        "\x00}}\\boxed{" * 500,                      # garbage
        [{"role": "assistant", "content": solution0}],          # chat, right
        [{"role": "assistant", "content": "\\boxed{nope}"}],    # chat, wrong
        None,                                        # not even text
    ]
    problem_ids = [ids[0], ids[1], ids[0], ids[0], ids[0], ids[1]]
    prompts = [ds["prompt"][0 if i == ids[0] else 1] for i in problem_ids]
    rewards = math_reward(prompts=prompts, completions=completions, problem_id=problem_ids)
    assert rewards == [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    assert math_reward.__name__ == "guide_math"
    statuses = [v.status.value for v in math_reward.verdicts(completions[:2],
                                                             problem_id=problem_ids[:2])]
    assert statuses == ["correct", "incorrect"]


def test_env_reward_needs_the_problem_id_column(math_reward: GuideReward) -> None:
    with pytest.raises(ValueError, match="'problem_id' column"):
        math_reward(prompts=["q"], completions=["\\boxed{1}"], answer=["1"])


@pytest.mark.needs_sandbox  # grades code
def test_reward_by_verifier_name_reads_answer_tests_and_choices() -> None:
    with reward_function("math", workers=1) as math:
        assert math.__name__ == "guide_math"
        assert math(["q"] * 3, ["\\boxed{1/2}", "\\boxed{0.6}", ""], answer=["0.5"] * 3) == [
            1.0, 0.0, 0.0]
    with reward_function("science", workers=1) as science:
        rewards = science(["q"] * 2, ["\\boxed{B}", "\\boxed{A}"], answer=["B", "B"],
                          choices=[["red", "blue"], ["red", "blue"]])
        assert rewards == [1.0, 0.0]
    tests = json.dumps([{"input": "2 3\n", "output": "5"}])
    with reward_function("code", workers=1) as code:
        assert code(["q"] * 2, [ADD, "print(0)"], tests=[tests, tests]) == [1.0, 0.0]
    with pytest.raises(ValueError, match="neither"):
        reward_function("no-such-thing")


def test_importing_the_integrations_imports_no_torch_or_trl() -> None:
    code = ("import sys, guide_envs.integrations.trl, guide_envs.integrations.verl; "
            "print(sorted(m for m in ('torch', 'trl', 'transformers', 'datasets') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.strip() == "[]"


CHAT_TEMPLATE = ("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                 "{% if add_generation_prompt %}assistant:{% endif %}")


def _tiny_tokenizer(texts: list[str]) -> Any:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    specials = ["<pad>", "<eos>", "<unk>"]
    tok.train_from_iterator(texts, trainers.WordLevelTrainer(special_tokens=specials))
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>",
                                  unk_token="<unk>", chat_template=CHAT_TEMPLATE)


def test_grpo_trainer_runs_two_steps_with_the_reward(tmp_path: Path) -> None:
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM
    from trl import GRPOConfig, GRPOTrainer

    torch.manual_seed(0)
    train = dataset(ENV_ID, 8, seed=0, **ENV_KWARGS)
    words = [m["content"] for row in train["prompt"] for m in row]
    tokenizer = _tiny_tokenizer([*words, "user assistant : \\boxed{ } 0 1 2 3 4 5 6 7 8 9 -"])
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=256, pad_token_id=tokenizer.pad_token_id,
                         eos_token_id=tokenizer.eos_token_id,
                         bos_token_id=tokenizer.eos_token_id, tie_word_embeddings=True)
    model = Qwen2ForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id

    calls: list[tuple[int, type]] = []

    class Recording(GuideReward):
        def __call__(self, prompts: Any = None, completions: Any = (),
                     **kwargs: Any) -> list[float]:
            assert len(kwargs["problem_id"]) == len(completions) == len(prompts)
            calls.append((len(completions), type(completions[0])))
            return super().__call__(prompts, completions, **kwargs)

    with Recording(ENV_ID, workers=2, **ENV_KWARGS) as reward:
        args = GRPOConfig(output_dir=str(tmp_path), max_steps=2, per_device_train_batch_size=4,
                          num_generations=2, max_completion_length=8, learning_rate=1e-3,
                          use_cpu=True, report_to=[], logging_steps=1, save_strategy="no",
                          bf16=False, seed=0, dataloader_num_workers=0)
        trainer = GRPOTrainer(model=model, processing_class=tokenizer, reward_funcs=[reward],
                              args=args, train_dataset=train)
        trainer.train()
        verified = reward.pool.stats.verified

    assert trainer.state.global_step == 2
    logged = [entry for entry in trainer.state.log_history if "rewards/guide_math/mean" in entry]
    assert len(logged) == 2
    assert all(0.0 <= entry["rewards/guide_math/mean"] <= 1.0 for entry in logged)
    assert calls == [(4, list), (4, list)]  # conversational completions: message lists
    assert verified == 8


def test_trl_reward_warns_once_and_gives_none(tmp_path: Path) -> None:
    result = _run("""
        from guide_envs.integrations.trl import reward_function
        logged = {}
        with reward_function("guide/Code-v0", workers=1, source="mbpp", path=DATA,
                             verifier=CodeVerifier(backend="docker")) as reward:
            rewards = [reward(prompts=["q"] * 2, completions=[SOLUTION, "print(1)"],
                              completion_ids=[[1], [2]], problem_id=["mbpp/2"] * 2,
                              trainer_state=None, log_extra=logged.setdefault,
                              log_metric=lambda name, value: None)
                       for _ in range(2)]
        finish({"rewards": rewards, "logged": logged})
    """, tmp_path)
    assert result["rewards"] == [[None, None], [None, None]]
    assert result["logged"]["guide_code/status"] == ["unavailable", "unavailable"]
    _check_warning(result["warnings"], "reward guide_code")
