"""The TRL and verl adapters on real dataset formats, called the way the trainers call them.

Rows are copied verbatim from the public GSM8K test split and MMLU (STEM subjects). TRL 1.16's
``GRPOTrainer._calculate_rewards`` calls a reward function with ``prompts=``, ``completions=``,
``completion_ids=``, every dataset column, ``trainer_state=``, ``log_extra=`` and
``log_metric=``; verl's reward managers call ``compute_score(data_source=, solution_str=,
ground_truth=, extra_info=)`` (the reward loop adds ``reward_router_address=`` and
``reward_model_tokenizer=``) after adding ``num_turns`` and ``rollout_reward_scores`` to
``extra_info``.
"""

from __future__ import annotations

import json
import math
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

import guide_envs
from guide_envs.integrations.trl import reward_function
from guide_envs.integrations.verl import compute_score

gym.register_envs(guide_envs)

GSM8K = {  # openai/gsm8k, main, test row 0
    "question": "Janet\u2019s ducks lay 16 eggs per day. She eats three for breakfast every "
                "morning and bakes muffins for her friends every day with four. She sells the "
                "remainder at the farmers' market daily for $2 per fresh duck egg. How much in "
                "dollars does she make every day at the farmers' market?",
    "answer": "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = "
              "$<<9*2=18>>18 every day at the farmer\u2019s market.\n#### 18",
}
MMLU = {  # cais/mmlu, college_biology
    "question": "A frameshift mutation is created when",
    "type": "college_biology",
    "choices": ["telomeric sequences are removed from DNA",
                "a codon's nucleotide sequence changes so that it calls for production of a "
                "different amino acid than the original one",
                "a base pair is either inserted or deleted in a gene",
                "a codon's nucleotide sequence is changed so that instead of coding for a given "
                "amino acid it acts to terminate translation"],
    "answer": 2,
}
# verl's examples/data_preprocess/gsm8k.py asks for the answer after "####"
VERL_INSTRUCTION = 'Let\'s think step by step and output the final answer after "####".'
HASHES_RIGHT = ("Janet sells 16 - 3 - 4 = 9 duck eggs a day.\nShe makes 9 * 2 = $18 every day."
                "\n#### 18")
HASHES_WRONG = "She eats 3 and bakes 4, so she sells 16 - 7 = 9 eggs for $2 each.\n#### 17"
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


class _Logs:
    """TRL's ``log_extra``/``log_metric`` targets (``GRPOTrainer._pending_*``)."""

    def __init__(self) -> None:
        self.extra: dict[str, list[Any]] = defaultdict(list)
        self.metrics: dict[str, list[float]] = defaultdict(list)

    def log_extra(self, column: str, values: list[Any]) -> None:
        self.extra[column].extend(values)

    def log_metric(self, name: str, value: float) -> None:
        self.metrics[name].append(value)


def _trl_call(reward: Any, completions: list[str], logs: _Logs | None = None,
              **columns: list[Any]) -> list[float | None]:
    """The reward called as ``GRPOTrainer._calculate_rewards`` calls it (chat format)."""
    n = len(completions)
    prompts = [[{"role": "user", "content": "question"}]] * n
    chat = [[{"role": "assistant", "content": text}] for text in completions]
    logs = logs or _Logs()
    return reward(prompts=prompts, completions=chat,
                  completion_ids=[[1, 2, 3]] * n, **columns, trainer_state=None,
                  log_extra=logs.log_extra, log_metric=logs.log_metric)


# -- verl ---------------------------------------------------------------------------------------


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


# -- TRL ----------------------------------------------------------------------------------------


def test_trl_reads_a_raw_gsm8k_answer_column_and_logs_status_and_answer() -> None:
    logs = _Logs()
    completions = ["She sells 9 eggs for $2: \\boxed{18}", HASHES_RIGHT, HASHES_WRONG, "hmm"]
    n = len(completions)
    with reward_function("math", workers=1) as reward:
        rewards = _trl_call(reward, completions, logs, question=[GSM8K["question"]] * n,
                            answer=[GSM8K["answer"]] * n)
    assert rewards == [1.0, 1.0, 0.0, 0.0]
    assert logs.extra == {"guide_math/status": ["correct", "correct", "incorrect", "no_answer"],
                          "guide_math/extracted": ["18", "18", "17", ""]}


def test_trl_unreadable_gold_gives_none_and_one_warning() -> None:
    unreadable = GSM8K["answer"].rpartition("####")[0] + "####"  # nothing after the marker
    with reward_function("math", workers=1) as reward, warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        first = _trl_call(reward, ["\\boxed{18}"] * 3, answer=[GSM8K["answer"], unreadable, None])
        second = _trl_call(reward, ["\\boxed{18}"], answer=[""])
    assert first == [1.0, None, None] and second == [None]
    messages = [str(x.message) for x in w if "gold" in str(x.message)]
    assert len(messages) == 1, messages
    assert "guide_math" in messages[0] and "None" in messages[0]


def test_one_gold_reader_for_sources_and_adapters() -> None:
    from guide_envs.gold import read_gold

    assert read_gold(GSM8K["answer"], "gsm8k") == read_gold(GSM8K["answer"]) == "18"
    assert read_gold("so \\boxed{\\frac{1}{2}} it is") == "\\frac{1}{2}"
    assert read_gold(27.0) == "27" and read_gold(" 3/4 ") == "3/4"
    assert read_gold(MMLU["answer"], choices=MMLU["choices"]) == "C"
    assert read_gold("c", choices=MMLU["choices"]) == "C"
    assert read_gold(7, choices=MMLU["choices"]) is None  # no option 7
    assert read_gold(GSM8K["answer"].rpartition("####")[0] + "####") is None


# -- a real GRPOTrainer run on raw GSM8K rows -------------------------------------------------

CHAT_TEMPLATE = ("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                 "{% if add_generation_prompt %}assistant:{% endif %}")


def _tiny_tokenizer(texts: list[str]) -> Any:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(texts, trainers.WordLevelTrainer(
        special_tokens=["<pad>", "<eos>", "<unk>"]))
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>",
                                  unk_token="<unk>", chat_template=CHAT_TEMPLATE)


def test_grpo_trainer_logs_status_and_skips_an_unreadable_gold(tmp_path: Path) -> None:
    import datasets
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM
    from trl import GRPOConfig, GRPOTrainer

    torch.manual_seed(0)
    unreadable = GSM8K["answer"].rpartition("####")[0] + "####"
    rows = [{"prompt": [{"role": "user", "content": GSM8K["question"]}],
             "answer": answer} for answer in (GSM8K["answer"], unreadable)]
    train = datasets.Dataset.from_list(rows)
    tokenizer = _tiny_tokenizer([GSM8K["question"], "user assistant : \\boxed{ } 1 8 ####"])
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=256, pad_token_id=tokenizer.pad_token_id,
                         eos_token_id=tokenizer.eos_token_id,
                         bos_token_id=tokenizer.eos_token_id, tie_word_embeddings=True)
    model = Qwen2ForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    with reward_function("math", workers=1) as reward:
        args = GRPOConfig(output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=4,
                          num_generations=2, max_completion_length=6, learning_rate=1e-3,
                          use_cpu=True, report_to=[], logging_steps=1, save_strategy="no",
                          bf16=False, seed=0, dataloader_num_workers=0, shuffle_dataset=False)
        trainer = GRPOTrainer(model=model, processing_class=tokenizer, reward_funcs=[reward],
                              args=args, train_dataset=train)
        with pytest.warns(UserWarning, match="unreadable gold"):
            trainer.train()
    assert trainer.state.global_step == 1
    statuses = list(trainer._logs["extra"]["guide_math/status"])
    rewards = list(trainer._logs["rewards"]["guide_math"])
    assert len(statuses) == len(rewards) == 4
    for status, value in zip(statuses, rewards, strict=True):
        assert (status == "error") == math.isnan(value)  # the unreadable gold's samples
        assert status in {"error", "no_answer", "incorrect", "correct", "unparsable"}
    assert statuses.count("error") == 2
