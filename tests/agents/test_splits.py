"""Held-out problems (agents/splits.py): the id split of a dataset file, and an eval file."""

from __future__ import annotations

import json

from _datasets import AIME, GOLDS, GSM8K

from agents.env_client import EnvClient
from agents.splits import IdSplit, held_out_plan


def test_the_split_holds_out_a_stable_disjoint_part_of_a_file() -> None:
    plan = held_out_plan("guide/Math-v0", json.dumps({"source": "gsm8k",
                                                      "data_files": str(GSM8K)}), "",
                         eval_split=0.3)
    assert plan.split == 0.3 and plan.eval_kwargs == plan.train_kwargs
    train = EnvClient("guide/Math-v0", plan.train_kwargs, keep=plan.train_filter())
    held_out = EnvClient("guide/Math-v0", plan.eval_kwargs, seed=7, keep=plan.eval_filter())
    try:
        trained = {p.problem_id for p in train.draw(300)}
        evaluated = {p.problem_id for p in held_out.draw(300)}
    finally:
        train.close()
        held_out.close()
    assert not trained & evaluated
    assert trained | evaluated == set(GOLDS)  # 600 draws from 26 problems see them all
    assert evaluated == {i for i in GOLDS if IdSplit(0.3, "eval")(i)}


def test_an_eval_file_wins_over_the_split() -> None:
    train = json.dumps({"source": "gsm8k", "data_files": str(GSM8K)})
    other = json.dumps({"source": "aime24", "data_files": str(AIME)})
    assert held_out_plan("guide/Math-v0", train, other).split is None
    assert held_out_plan("guide/Math-v0", train, train).split == 0.1  # the same file: split
    procedural = held_out_plan("guide/Math-v0", '{"difficulty": 2, "seed": 4}', "")
    assert procedural.split is None and procedural.eval_kwargs["seed"] == 5
