"""TRL integration: :func:`reward_function` (a GRPOTrainer reward) and :func:`dataset`.

``reward_function("guide/Math-v0")`` grades each completion with the environment's own verifier,
finding the problem by the dataset's ``problem_id`` column, so the dataset built by
:func:`dataset` holds prompts and ids but no gold answers. ``reward_function("math")`` instead
grades against an ``answer`` column (and ``tests``/``choices`` columns when present) of any
dataset, read as the environments read theirs (:func:`guide_envs.gold.read_gold`: a raw GSM8K
answer ``... #### 72``, a MATH solution's last ``\\boxed{}``, an MMLU option index).
Completions are graded in parallel by one :class:`~verifiers.VerifierPool`, under a deadline,
and a completion that cannot be graded scores 0.0: model output never raises. A row whose gold
answer cannot be read, and a verifier that cannot run on this machine (no sandbox for code),
give ``None`` (TRL's "no reward for this sample") and a warning, once.

Where TRL passes ``log_extra`` (``GRPOTrainer``), each completion's verdict status and the
answer read from it go to the completions table as ``<name>/status`` and ``<name>/extracted``.

Neither ``trl`` nor ``torch`` is imported here; :func:`dataset` imports ``datasets``.

Example:
    >>> import guide_envs
    >>> reward = reward_function("math", workers=1)
    >>> reward(prompts=["2+2?", "2+2?"], completions=["\\\\boxed{4}", "five"], answer=["4", "4"])
    [1.0, 0.0]
    >>> reward(prompts=["q"], completions=["#### 18"], answer=["9 * 2 = <<9*2=18>>18\\n#### 18"])
    [1.0]
    >>> reward.__name__
    'guide_math'
    >>> reward.close()
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import gymnasium as gym

import verifiers
from guide_envs.integrations import UnreadableGold, build_problem
from guide_envs.problem import Problem
from guide_envs.protocol import BatchGradingEnv
from verifiers.pool import VerifierPool
from verifiers.verdict import Status, Verdict, warn_if_unavailable

if TYPE_CHECKING:
    import datasets

__all__ = ["GuideReward", "completion_text", "dataset", "reward_function"]

#: Columns that :class:`GuideReward` reads in verifier mode, besides ``answer``.
_OPTIONAL_COLUMNS = ("tests", "choices")
#: Keywords TRL passes that are not dataset columns.
_TRL_KEYWORDS = ("completion_ids", "trainer_state", "log_extra", "log_metric", "environments")


def completion_text(completion: Any) -> str:
    """The text to grade: a string as is; for chat messages, the last assistant message.

    Message content given as parts (``[{"type": "text", "text": ...}]``) is joined; anything
    else gives ``""`` (which grades as no answer).

    Example:
        >>> completion_text([{"role": "assistant", "content": "\\\\boxed{4}"}])
        '\\\\boxed{4}'
        >>> completion_text(None)
        ''
    """
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        completion = [completion]
    if not isinstance(completion, Sequence):
        return ""
    for message in reversed(completion):
        if isinstance(message, Mapping) and message.get("role", "assistant") == "assistant":
            return _content_text(message.get("content"))
    return ""


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "".join(part.get("text") or "" for part in content
                       if isinstance(part, Mapping) and isinstance(part.get("text"), str))
    return ""


class GuideReward:
    """A TRL reward function grading completions with guide-rl verifiers (see the module doc).

    Build it with :func:`reward_function`. Calling it with ``prompts``, ``completions`` and the
    dataset's columns returns one float in [0, 1] per completion (None where the row's gold
    cannot be read or its verifier cannot run here); :meth:`verdicts` gives the full
    :class:`~verifiers.Verdict` of each. The worker pool starts on the first call and
    stops with :meth:`close` (or at interpreter exit).

    Attributes:
        __name__: What TRL logs the reward as (``rewards/<name>/mean``).
        env: The environment whose problems and verifiers are used (env mode), else None.
        verifier: The verifier name (verifier mode), else None.
    """

    def __init__(self, target: str, *, workers: int | None = None,
                 deadline_s: float | None = None, **env_kwargs: Any) -> None:
        self.env: gym.Env[Any, Any] | None = None
        self.verifier: str | None = None
        if "/" in target or target in gym.registry:
            self.env = gym.make(target, **env_kwargs)
            if not isinstance(self.env.unwrapped, BatchGradingEnv):
                self.env.close()
                raise TypeError(f"{target} does not grade by problem id (no grade_batch, see "
                                "guide_envs.protocol.BatchGradingEnv), so a reward cannot "
                                "find its problems")
            self.__name__ = "guide_" + target.split("/")[-1].split("-v")[0].lower()
        elif target in verifiers.available():
            if env_kwargs:
                raise TypeError(f"env keyword arguments {sorted(env_kwargs)} need an env id, "
                                f"not the verifier name {target!r}")
            self.verifier = target
            self.__name__ = f"guide_{target}"
        else:
            raise ValueError(f"{target!r} is neither a registered env id nor a verifier name; "
                             f"verifiers: {', '.join(verifiers.available())}")
        self._workers = workers
        self._deadline_s = deadline_s
        self._pool: VerifierPool | None = None
        self._warned_gold = False

    @property
    def pool(self) -> VerifierPool:
        """The worker pool (started on first use)."""
        if self._pool is None:
            self._pool = VerifierPool(self._workers, deadline_s=self._deadline_s)
        return self._pool

    def __call__(self, prompts: Sequence[Any] | None = None,
                 completions: Sequence[Any] = (), **columns: Any) -> list[float | None]:
        """One reward per completion (TRL's ``reward_func(prompts, completions, **kwargs)``).

        None for a row whose gold answer cannot be read or whose verifier cannot run here.
        """
        verdicts, gradable = self._grade(completions, columns)
        log_extra = columns.get("log_extra")
        if callable(log_extra):
            self._log(log_extra, verdicts)
        return [float(v.score) if ok and v.status is not Status.UNAVAILABLE else None
                for v, ok in zip(verdicts, gradable, strict=True)]

    def verdicts(self, completions: Sequence[Any], **columns: Any) -> list[Verdict]:
        """The Verdict of each completion; ``columns`` are the dataset's, one value each.

        A row whose gold answer cannot be read gets an ``error`` Verdict saying so.
        """
        return self._grade(completions, columns)[0]

    def _grade(self, completions: Sequence[Any],
               columns: Mapping[str, Any]) -> tuple[list[Verdict], list[bool]]:
        """Each completion's Verdict, and whether its row could be graded (a readable gold)."""
        texts = [completion_text(c) for c in completions]
        if self.env is not None:
            ids = _column(columns, "problem_id", len(texts), "an env id")
            verdicts = self._grade_by_env([str(i) for i in ids], texts)
            gradable = [True] * len(texts)
        else:
            verdicts, gradable = self._grade_by_verifier(texts, columns)
        for verdict in verdicts:
            warn_if_unavailable(verdict, f"reward {self.__name__}")
        return verdicts, gradable

    def _grade_by_env(self, problem_ids: list[str], texts: list[str]) -> list[Verdict]:
        """The env grades each completion by its problem's verifier, in one pool batch."""
        if not texts:
            return []
        assert self.env is not None
        env: BatchGradingEnv = self.env.unwrapped  # type: ignore[assignment]  # checked at init
        return env.grade_batch(problem_ids, texts, self.pool)

    def _grade_by_verifier(self, texts: list[str],
                           columns: Mapping[str, Any]) -> tuple[list[Verdict], list[bool]]:
        """Each row against its own gold, by the named verifier; unreadable golds warned once."""
        assert self.verifier is not None
        problems = self._problems(len(texts), columns)
        rows = [i for i, p in enumerate(problems) if isinstance(p, Problem)]
        graded = (self.pool.verify_batch([texts[i] for i in rows], [problems[i] for i in rows],
                                         verifier=self.verifier) if rows else [])
        verdicts = [p if isinstance(p, Verdict) else Verdict.failed(Status.ERROR, "")
                    for p in problems]
        for i, verdict in zip(rows, graded, strict=True):
            verdicts[i] = verdict
        gradable = [isinstance(p, Problem) for p in problems]
        if not all(gradable) and not self._warned_gold:
            self._warned_gold = True
            first = verdicts[gradable.index(False)].reason
            warnings.warn(f"reward {self.__name__}: unreadable gold answer ({first}); such "
                          "rows get reward None, which TRL leaves out of the reward (further "
                          "ones are not reported)", UserWarning, stacklevel=4)
        return verdicts, gradable

    def _log(self, log_extra: Callable[[str, list[Any]], None], verdicts: list[Verdict]) -> None:
        """Each completion's status and extracted answer, as TRL completions-table columns."""
        log_extra(f"{self.__name__}/status", [v.status.value for v in verdicts])
        log_extra(f"{self.__name__}/extracted", [v.extracted or "" for v in verdicts])

    def _problems(self, n: int, columns: Mapping[str, Any]) -> list[Problem | Verdict]:
        """Each row's problem, or an ``error`` Verdict when its gold answer cannot be read."""
        assert self.verifier is not None
        answers = (_column(columns, "answer", n, "a verifier name")
                   if self.verifier != "code" or "answer" in columns else [None] * n)
        extra = {key: _column(columns, key, n, "") for key in _OPTIONAL_COLUMNS if key in columns}
        ids = columns.get("problem_id") or [f"row/{i}" for i in range(n)]
        problems: list[Problem | Verdict] = []
        for i in range(n):
            try:
                problems.append(build_problem(
                    self.verifier, answer=answers[i], problem_id=str(ids[i]),
                    **{key: values[i] for key, values in extra.items()}))
            except UnreadableGold as exc:
                problems.append(Verdict.failed(Status.ERROR, str(exc)))
        return problems

    def close(self) -> None:
        """Stop the worker pool and the environment. Safe to call twice."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self.env is not None:
            self.env.close()

    def __enter__(self) -> GuideReward:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        target = self.env.spec.id if self.env is not None and self.env.spec else self.verifier
        return f"GuideReward({target!r}, workers={self._workers}, deadline_s={self._deadline_s})"


def _column(columns: Mapping[str, Any], name: str, n: int, mode: str) -> Sequence[Any]:
    if name not in columns:
        given = sorted(k for k in columns if k not in _TRL_KEYWORDS)
        raise ValueError(f"a reward built from {mode} needs a {name!r} column; the dataset "
                         f"gave {given}")
    values = columns[name]
    if len(values) != n:
        raise ValueError(f"column {name!r} has {len(values)} values for {n} completions")
    return values


def reward_function(env_id_or_verifier: str, *, workers: int | None = None,
                    deadline_s: float | None = None, **env_kwargs: Any) -> GuideReward:
    """A reward function for ``trl.GRPOTrainer`` (``reward_funcs=[...]``).

    Args:
        env_id_or_verifier: A Gymnasium id (``"guide/Math-v0"``): problems are found by the
            ``problem_id`` column and graded by the env's verifier for each. Or a verifier name
            (``"math"``, ``"science"``, ``"code"``): graded against the ``answer`` column, with
            ``tests`` (code; see :func:`guide_envs.integrations.parse_tests`) and ``choices``
            (multiple choice) columns when present.
        workers: Verifier worker processes (default: one per CPU).
        deadline_s: Seconds one judgement may take (default: each verifier's own).
        env_kwargs: Passed to ``gym.make`` with the env id (the same as for :func:`dataset`,
            so that problem ids match).

    A missing ``problem_id``/``answer`` column raises ``ValueError`` and an id the env does not
    know raises ``KeyError``: those are dataset mistakes, not model output.

    Example:
        >>> import gymnasium as gym
        >>> import guide_envs
        >>> kwargs = {"families": ["arithmetic"], "difficulty": 1}
        >>> ds = dataset("guide/Math-v0", 2, **kwargs)
        >>> reward = reward_function("guide/Math-v0", workers=1, **kwargs)
        >>> gold = [reward.env.unwrapped.source.find(i).answer for i in ds["problem_id"]]
        >>> reward(ds["prompt"], [f"\\\\boxed{{{gold[0]}}}", "no idea"],
        ...        problem_id=ds["problem_id"])
        [1.0, 0.0]
        >>> reward.close()
    """
    return GuideReward(env_id_or_verifier, workers=workers, deadline_s=deadline_s,
                       **env_kwargs)


def dataset(env_id: str, n: int, *, seed: int = 0, conversational: bool = True,
            **env_kwargs: Any) -> datasets.Dataset:
    """``n`` distinct problems of an environment as a TRL-ready ``datasets.Dataset``.

    Columns: ``prompt`` (the chat messages of ``info["messages"]`` when ``conversational``,
    else the text observation) and ``problem_id``. No gold answer is stored: the reward of
    :func:`reward_function` looks the problem up by id. Problems are drawn as the env draws
    them: ``reset(seed=seed)`` and then plain resets, skipping repeats.

    Example:
        >>> import guide_envs
        >>> ds = dataset("guide/Math-v0", 3, families=["arithmetic"], difficulty=1)
        >>> ds.column_names, len(ds), ds[0]["prompt"][0]["role"]
        (['prompt', 'problem_id'], 3, 'user')
    """
    import datasets

    if n < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    env = gym.make(env_id, **env_kwargs)
    try:
        rows: dict[str, dict[str, Any]] = {}
        obs, info = env.reset(seed=seed)
        for _ in range(20 * n + 100):
            rows.setdefault(info["problem_id"], {
                "prompt": info["messages"] if conversational and "messages" in info else obs,
                "problem_id": info["problem_id"]})
            if len(rows) == n:
                break
            obs, info = env.reset()
    finally:
        env.close()
    if len(rows) < n:
        raise ValueError(f"{env_id} gave only {len(rows)} distinct problems; asked for {n}")
    return datasets.Dataset.from_list(list(rows.values()))
