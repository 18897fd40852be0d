"""One reader of gold answers (guide_envs/gold.py) for the sources and the TRL and verl adapters,
on real dataset rows."""

from __future__ import annotations

from _real_rows import GSM8K, MMLU


def test_one_gold_reader_for_sources_and_adapters() -> None:
    from guide_envs.gold import read_gold

    assert read_gold(GSM8K["answer"], "gsm8k") == read_gold(GSM8K["answer"]) == "18"
    assert read_gold("so \\boxed{\\frac{1}{2}} it is") == "\\frac{1}{2}"
    assert read_gold(27.0) == "27" and read_gold(" 3/4 ") == "3/4"
    assert read_gold(MMLU["answer"], choices=MMLU["choices"]) == "C"
    assert read_gold("c", choices=MMLU["choices"]) == "C"
    assert read_gold(7, choices=MMLU["choices"]) is None  # no option 7
    assert read_gold(GSM8K["answer"].rpartition("####")[0] + "####") is None
