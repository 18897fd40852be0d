"""Completions saved for a person to read: :class:`SampleLog`, :func:`sample_records`.

A run that scores 0.000 is diagnosed by reading what the model wrote and why the verifier said
no. The learners append the completions of a training step every ``--sample-interval`` steps and
those of every evaluation to ``samples.jsonl``, one JSON object per completion: ``step``,
``phase`` (``"train"`` or ``"eval"``), ``problem_id``, ``prompt``, ``completion``, ``reward``,
``status`` and ``reason`` (the verdict's), ``guided`` and ``hint`` (the hint shown, or null).

Example:
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     log = SampleLog(Path(tmp) / "samples.jsonl")
    ...     log.write(3, "train", [{"problem_id": "a", "completion": "\\\\boxed{4}"}])
    ...     line = (Path(tmp) / "samples.jsonl").read_text().splitlines()[0]
    >>> json.loads(line)
    {'step': 3, 'phase': 'train', 'problem_id': 'a', 'completion': '\\\\boxed{4}'}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.batch import Group
    from agents.env_client import Grade, Prompt

__all__ = ["SampleLog", "eval_records", "group_records"]


class SampleLog:
    """Appends sample records to a JSON Lines file (created with its folder on first write)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def write(self, step: int, phase: str, records: Iterable[Mapping[str, Any]]) -> None:
        """Append ``records``, each prefixed with ``step`` and ``phase``."""
        lines = [json.dumps({"step": step, "phase": phase, **record}, ensure_ascii=False)
                 for record in records]
        if not lines:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")


def group_records(prompts: Sequence[Prompt], groups: Sequence[Group]) -> list[dict[str, Any]]:
    """One record per trajectory of a training step's groups (prompts in the same order)."""
    by_id = {p.problem_id: p for p in prompts}
    records = []
    for group in groups:
        prompt = by_id.get(group.problem_id)
        for t in group.trajectories:
            records.append({
                "problem_id": group.problem_id,
                "prompt": prompt.text if prompt is not None else None,
                "completion": t.text, "reward": t.reward, "status": t.status,
                "reason": t.reason, "guided": t.guided,
                "hint": group.hint if t.guided else None,
            })
    return records


def eval_records(prompts: Sequence[Prompt], texts: Sequence[str], grades: Sequence[Grade],
                 n: int, **extra: Any) -> list[dict[str, Any]]:
    """One record per evaluated completion (``n`` consecutive completions per prompt)."""
    return [{"problem_id": prompts[i // n].problem_id, "prompt": prompts[i // n].text,
             "completion": text, "reward": grade.reward, "status": grade.status,
             "reason": grade.reason, "guided": False, "hint": None, **extra}
            for i, (text, grade) in enumerate(zip(texts, grades, strict=True))]
