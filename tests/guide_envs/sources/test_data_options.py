"""One data option across the three envs: ``data_files`` for local files, ``path`` for hub ids.

As ``datasets.load_dataset`` names them. A local file given as ``path=`` is taken as
``data_files``. Rows are copied verbatim from GSM8K (test), MMLU (college biology), AQuA-RAT
and MBPP; the stdin/stdout row is a small CodeContests-style problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

import guide_envs

gym.register_envs(guide_envs)

GSM8K = [
    {"question": "Janet\u2019s ducks lay 16 eggs per day. She eats three for breakfast every "
                 "morning and bakes muffins for her friends every day with four. She sells the "
                 "remainder at the farmers' market daily for $2 per fresh duck egg. How much in "
                 "dollars does she make every day at the farmers' market?",
     "answer": "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = "
               "$<<9*2=18>>18 every day at the farmer\u2019s market.\n#### 18"},
    {"question": "A robe takes 2 bolts of blue fiber and half that much white fiber.  How many "
                 "bolts in total does it take?",
     "answer": "It takes 2/2=<<2/2=1>>1 bolt of white fiber\nSo the total amount of fabric is "
               "2+1=<<2+1=3>>3 bolts of fabric\n#### 3"},
]
MMLU = [
    {"question": "A frameshift mutation is created when", "type": "college_biology",
     "choices": ["telomeric sequences are removed from DNA",
                 "a codon's nucleotide sequence changes so that it calls for production of a "
                 "different amino acid than the original one",
                 "a base pair is either inserted or deleted in a gene",
                 "a codon's nucleotide sequence is changed so that instead of coding for a "
                 "given amino acid it acts to terminate translation"],
     "answer": 2},
]
AQUA = [
    {"question": "The original price of an item is discounted 22%. A customer buys the item at "
                 "this discounted price using a $20-off coupon. There is no tax on the item, and "
                 "this was the only item the customer bought. If the customer paid $1.90 more "
                 "than half the original price of the item, what was the original price of the "
                 "item?",
     "options": ["A)$61", "B)$65", "C)$67.40", "D)$70", "E)$78.20"],
     "rationale": "Let x be the original price of the item\nDiscounted price = 0.78x\nPayment "
                  "made by the customer after using the $20 coupon = 0.78x - 20\n0.78x - 20 = "
                  "x/2 + 1.9\nx = 78.20\nAnswer: E",
     "correct": "E"},
]
MBPP = [
    {"text": "Write a function to find the similar elements from the given two tuple lists.",
     "code": "def similar_elements(test_tup1, test_tup2):\r\n  res = tuple(set(test_tup1) & "
             "set(test_tup2))\r\n  return (res) ",
     "task_id": 2, "test_setup_code": "",
     "test_list": ["assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)",
                   "assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)",
                   "assert similar_elements((11, 12, 14, 13),(17, 15, 14, 13)) == (13, 14)"],
     "challenge_test_list": []},
]
STDIO = [{"idx": 4, "problem": "Print the sum of two integers given on one line.",
          "tests": {"inputs": ["1 2\n"], "outputs": ["3\n"]}}]

#: (env id, source, rows, the first problem's id, its gold answer or first test)
CASES = [
    ("guide/Math-v0", "gsm8k", GSM8K, "gsm8k/0", "18"),
    ("guide/Science-v0", "mmlu", MMLU, "mmlu/0", "C"),
    ("guide/Science-v0", "aqua", AQUA, "aqua/0", "E"),
    ("guide/Code-v0", "mbpp", MBPP, "mbpp/2", MBPP[0]["test_list"][0]),
    ("guide/Code-v0", "stdio", STDIO, "stdio/4", {"input": "1 2\n", "output": "3\n"}),
]
IDS = [f"{env_id.split('/')[1]}-{source}" for env_id, source, *_ in CASES]


def _write(tmp_path: Path, source: str, rows: list[dict[str, Any]]) -> str:
    path = tmp_path / f"{source}.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return str(path)


def _first(env: gym.Env[str, str]) -> Any:
    env.reset(options={"index": 0})
    return env.unwrapped.problem


def _gold(problem: Any) -> Any:
    return problem.tests[0] if problem.domain == "code" else problem.answer


@pytest.mark.parametrize(("env_id", "source", "rows", "first_id", "gold"), CASES, ids=IDS)
def test_data_files_and_a_local_path_load_the_same_problems(
        tmp_path: Path, env_id: str, source: str, rows: list[dict[str, Any]], first_id: str,
        gold: Any) -> None:
    data = _write(tmp_path, source, rows)
    loaded = [gym.make(env_id, source=source, data_files=data),
              gym.make(env_id, source=source, path=data),
              gym.make(env_id, source=source, data_files=Path(data)),
              gym.make(env_id, source=source, data_files=[data])]
    problems = [_first(env) for env in loaded]
    assert all(p == problems[0] for p in problems)
    assert problems[0].id == first_id and _gold(problems[0]) == gold
    assert [len(env.unwrapped.source) for env in loaded] == [len(rows)] * 4


@pytest.mark.parametrize(("env_id", "source", "rows", "first_id", "gold"), CASES, ids=IDS)
def test_a_file_given_twice_or_not_at_all_is_refused_clearly(
        tmp_path: Path, env_id: str, source: str, rows: list[dict[str, Any]], first_id: str,
        gold: Any) -> None:
    data = _write(tmp_path, source, rows)
    with pytest.raises(ValueError, match="not both"):
        gym.make(env_id, source=source, data_files=data, path=data)
    with pytest.raises(ValueError, match="data_files="):
        gym.make(env_id, source=source)


@pytest.mark.parametrize(("env_id", "source"), [("guide/Science-v0", "mmlu"),
                                                 ("guide/Science-v0", "gpqa"),
                                                 ("guide/Code-v0", "mbpp")])
def test_file_sources_say_a_hub_id_needs_a_local_file(env_id: str, source: str) -> None:
    with pytest.raises(ValueError, match=r"reads one local file.*data_files=.*'cais/mmlu'"):
        gym.make(env_id, source=source, path="cais/mmlu")


def test_file_sources_read_one_file(tmp_path: Path) -> None:
    data = _write(tmp_path, "mmlu", MMLU)
    with pytest.raises(ValueError, match="one local file"):
        gym.make("guide/Science-v0", source="mmlu", data_files=[data, data])


def test_math_path_to_a_local_directory_still_goes_to_datasets(tmp_path: Path) -> None:
    _write(tmp_path, "gsm8k", GSM8K)
    env = gym.make("guide/Math-v0", source="gsm8k", path=str(tmp_path), split="train")
    assert _first(env).answer == "18" and len(env.unwrapped.source) == 2
