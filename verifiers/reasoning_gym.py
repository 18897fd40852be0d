"""reasoning-gym's own scorers as a verifier: :class:`ReasoningGymVerifier`.

A problem from :mod:`guide_envs.sources.reasoning_gym` carries, in ``metadata``, the dataset
name, its config and the original entry; grading calls that dataset's ``score_answer`` on the
answer read from the response (the last ``\\boxed{}``, else the last ``<answer>...</answer>``).
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from functools import lru_cache
from typing import Any

from verifiers.base import TwoStage
from verifiers.math.extract import MAX_ANSWER_CHARS, last_boxed, strip_reasoning
from verifiers.verdict import Status, Verdict

__all__ = ["ReasoningGymVerifier", "extract_tagged"]


def extract_tagged(text: str, tag: str = "answer") -> str | None:
    """The content of the last ``<tag>...</tag>``, found in linear time.

    >>> extract_tagged("<answer>1</answer> then <answer> 2 </answer>")
    '2'
    """
    close = text.rfind(f"</{tag}>")
    if close < 0:
        return None
    start = text.rfind(f"<{tag}>", 0, close)
    return None if start < 0 else text[start + len(tag) + 2:close].strip()


@lru_cache(maxsize=64)
def _dataset(name: str, config_json: str) -> Any:
    import reasoning_gym

    return reasoning_gym.create_dataset(name, **json.loads(config_json))


def _score(name: str, config_json: str, answer: str, entry: dict[str, Any]) -> float:
    return float(_dataset(name, config_json).score_answer(answer, entry))


class ReasoningGymVerifier(TwoStage):
    """Grades with the ``score_answer`` of the reasoning-gym dataset a problem came from.

    Scores in (0, 1) (partial credit of some reasoning-gym tasks) are kept as ``score``; only
    a score of 1 counts as correct.
    """

    name = "reasoning_gym"
    #: reasoning_gym itself takes over a second to import: a cold worker would spend the first
    #: judgement's deadline on it (and time out on a loaded machine).
    worker_preload = ("verifiers.reasoning_gym", "reasoning_gym")

    def extract(self, response: str, problem: Any) -> str | Verdict:
        """The last ``\\boxed{}``, else the last ``<answer>...</answer>``."""
        meta = getattr(problem, "metadata", {}) or {}
        if "rg_dataset" not in meta or "rg_entry" not in meta:
            return Verdict.failed(Status.ERROR, "problem carries no reasoning-gym entry")
        text = strip_reasoning(response)
        answer = last_boxed(text)
        if answer is None:
            answer = extract_tagged(text)
        if answer is None:
            return Verdict.failed(Status.NO_ANSWER, "no \\boxed{} or <answer> final answer found")
        if len(answer) > MAX_ANSWER_CHARS * 10:
            return Verdict.failed(Status.UNPARSABLE, "answer too long", answer[:100])
        return answer

    def judge(self, extracted: str, problem: Any) -> Verdict:
        """reasoning-gym's score for ``extracted``."""
        meta = problem.metadata
        config = json.dumps(dict(meta.get("rg_config", {})), sort_keys=True)
        score = _score(meta["rg_dataset"], config, extracted, dict(meta["rg_entry"]))
        score = min(max(score, 0.0), 1.0)
        if score >= 1.0:
            return Verdict.right(extracted, "reasoning-gym scored 1.0")
        return Verdict.incorrect(extracted, f"reasoning-gym scored {score:g}", score=score)

    def cache_key(self, problem: Any) -> Hashable:
        """The dataset, its config and the entry."""
        meta = problem.metadata
        return (meta["rg_dataset"], json.dumps(dict(meta.get("rg_config", {})), sort_keys=True),
                json.dumps(meta["rg_entry"], sort_keys=True, default=str))
