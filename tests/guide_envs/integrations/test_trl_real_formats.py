"""The TRL adapter on real dataset formats, called the way the trainer calls it (_trainer_calls.py),
and a real GRPOTrainer run on raw GSM8K rows.

Rows are copied verbatim from the public GSM8K test split, in _real_rows.py.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import pytest
from _real_rows import GSM8K, HASHES_RIGHT, HASHES_WRONG

from guide_envs.integrations.trl import reward_function

from ._trainer_calls import _Logs, _trl_call


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
