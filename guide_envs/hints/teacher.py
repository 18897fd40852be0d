r"""Hints from a teacher model behind any OpenAI-compatible chat endpoint: :class:`TeacherHint`.

Works with a local vLLM or SGLang server (``vllm serve MODEL`` serves ``/v1/chat/completions``)
as well as hosted APIs. Answers are cached on disk, one JSON file per (problem, teacher) key,
so a restarted run asks only for what it lacks. Needs the ``teacher`` extra
(``pip install "guide-rl[teacher]"``, which installs ``openai``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from guide_envs.problem import Problem

__all__ = ["DEFAULT_CACHE_DIR", "TEACHER_PROMPT", "TeacherHint", "TeacherStats"]

logger = logging.getLogger(__name__)

#: Where teacher hints are cached unless ``cache_dir`` says otherwise.
DEFAULT_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) \
    / "guide-rl" / "teacher-hints"

#: The request sent to the teacher: ``{problem}`` is the question and ``{reference}`` the
#: reference solution block (empty when the problem has none). The teacher sees the solution
#: as private context and is told to guide towards it without revealing the final answer.
TEACHER_PROMPT = """\
You are a patient teacher. A student is stuck on the problem below. Write a short hint \
(at most three sentences) that points them to the key idea or the first steps, so that they \
can finish the solution on their own.

Rules:
- Do NOT state the final answer, in any form (number, expression, fraction, decimal, \
percentage, option letter or option text), and do not compute the last step.
- Do not write \\boxed{{}} and do not write "the answer is".
- Reply with the hint only.

Problem:
{problem}
{reference}"""

_REFERENCE = """
Reference solution (private: for you only, never quote its result):
{solution}
"""

_MISSING_OPENAI = ('TeacherHint needs the openai package: pip install "guide-rl[teacher]" '
                   '(or pip install openai)')


@dataclass
class TeacherStats:
    """What a :class:`TeacherHint` did.

    Attributes:
        requests: HTTP requests sent (retries included).
        cached: Hints served from the disk cache.
        retries: Requests repeated after a connection error, a timeout, 429 or 5xx.
        failed: Problems left without a hint after the last retry (or a non-retryable error).
    """

    requests: int = 0
    cached: int = 0
    retries: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counters by name."""
        return asdict(self)


def _openai() -> Any:
    try:
        import openai
    except ImportError as exc:
        raise ImportError(_MISSING_OPENAI) from exc
    return openai


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class TeacherHint:
    """A hint provider that asks a teacher model for guidance, with a disk cache and retries.

    Args:
        model: The model name the endpoint serves.
        base_url: The endpoint, e.g. ``"http://localhost:8000/v1"``.
        api_key: The key to send (local servers accept anything).
        cache_dir: Directory of cached hints (created on first write); None turns the cache off.
        max_retries: Retries after a connection error, a timeout, 429 or 5xx (not counting
            the first try).
        backoff_s: Wait before the first retry; doubled after each.
        concurrency: Most requests :meth:`hint_many` keeps in flight.
        timeout_s: Seconds one request may take.
        temperature: Sampling temperature.
        max_tokens: Longest hint, in tokens.
        prompt: The request template (see :data:`TEACHER_PROMPT`).

    A problem left without a hint after the retries gives None and a logged warning; it is
    never cached, so the next run asks again. Counters are in :attr:`stats`. A teacher can be
    copied and pickled (settings and counters travel; the copy opens its own HTTP client).

    Example (needs a running server, so not executed here)::

        teacher = TeacherHint("Qwen/Qwen2.5-7B-Instruct", "http://localhost:8000/v1")
        hints = teacher.hint_many(problems)   # concurrent, cached, with a progress bar
    """

    def __init__(self, model: str, base_url: str, api_key: str = "EMPTY", *,
                 cache_dir: str | os.PathLike[str] | None = DEFAULT_CACHE_DIR,
                 max_retries: int = 4, backoff_s: float = 0.5, concurrency: int = 8,
                 timeout_s: float = 60.0, temperature: float = 0.0, max_tokens: int = 512,
                 prompt: str = TEACHER_PROMPT) -> None:
        _check(model=model, base_url=base_url, max_retries=max_retries, backoff_s=backoff_s,
               concurrency=concurrency, timeout_s=timeout_s, max_tokens=max_tokens,
               prompt=prompt)
        self.model, self.base_url, self.prompt = model, base_url, prompt
        self.cache_dir = None if cache_dir is None else Path(cache_dir)
        self.max_retries, self.backoff_s, self.concurrency = max_retries, backoff_s, concurrency
        self.timeout_s, self.temperature, self.max_tokens = timeout_s, temperature, max_tokens
        self.stats = TeacherStats()
        self._api_key = api_key
        self._connect()

    def _connect(self) -> None:
        """Build the HTTP client and the lock (again after a copy or unpickling)."""
        openai = _openai()
        self._lock = threading.Lock()
        # our own retry loop counts and spaces the retries, so the client's is off
        self._client = openai.OpenAI(base_url=self.base_url, api_key=self._api_key,
                                     timeout=self.timeout_s, max_retries=0)
        self._retryable = (openai.APIConnectionError, openai.APITimeoutError,
                           openai.RateLimitError, openai.InternalServerError)

    def __getstate__(self) -> dict[str, Any]:
        """Settings and counters only: a copy or an unpickled teacher opens its own client."""
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("_client", "_lock", "_retryable")}
        state["stats"] = TeacherStats(**asdict(self.stats))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._connect()

    def hint(self, problem: Problem) -> str | None:
        """The teacher's hint for ``problem`` (cached), or None after failing."""
        cached = self._read_cache(problem)
        if cached is not None:
            self._count(cached=1)
            return cached
        text = self._ask(problem)
        if text is not None:
            self._write_cache(problem, text)
        return text

    def hint_many(self, problems: Sequence[Problem], progress: bool = True) -> list[str | None]:
        """Hints for all ``problems``, in order, up to :attr:`concurrency` requests at once."""
        from tqdm.auto import tqdm

        results: list[str | None] = [None] * len(problems)
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool, \
                tqdm(total=len(problems), desc="teacher hints", disable=not progress) as bar:
            futures = {pool.submit(self.hint, p): i for i, p in enumerate(problems)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update()
        return results

    def messages(self, problem: Problem) -> list[dict[str, str]]:
        """The chat messages sent for ``problem``."""
        reference = _REFERENCE.format(solution=problem.solution) if problem.solution else ""
        return [{"role": "user",
                 "content": self.prompt.format(problem=problem.prompt, reference=reference)}]

    def cache_path(self, problem: Problem) -> Path | None:
        """The cache file of ``problem``'s hint (None without a cache)."""
        if self.cache_dir is None:
            return None
        key = json.dumps([problem.id, _sha(problem.prompt), self.model, self.base_url,
                          _sha(self.prompt)])
        return self.cache_dir / f"{_sha(key)[:40]}.json"

    # -- requests --

    def _ask(self, problem: Problem) -> str | None:
        for attempt in range(self.max_retries + 1):
            if attempt:
                self._count(retries=1)
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            self._count(requests=1)
            try:
                return self._complete(problem)
            except self._retryable as exc:
                error: Exception = exc
            except Exception as exc:  # noqa: BLE001 - a hint failure must not stop training
                error = exc
                break
        self._count(failed=1)
        logger.warning("teacher %s gave no hint for %s: %s: %s", self.model, problem.id,
                       type(error).__name__, str(error)[:200])
        return None

    def _complete(self, problem: Problem) -> str | None:
        response = self._client.chat.completions.create(
            model=self.model, messages=self.messages(problem), temperature=self.temperature,
            max_tokens=self.max_tokens)
        content = response.choices[0].message.content if response.choices else None
        if not content or not content.strip():
            raise ValueError("the teacher replied with an empty message")
        return str(content).strip()

    # -- cache --

    def _read_cache(self, problem: Problem) -> str | None:
        path = self.cache_path(problem)
        if path is None or not path.is_file():
            return None
        try:
            hint = json.loads(path.read_text(encoding="utf-8")).get("hint")
        except (OSError, ValueError, AttributeError):
            return None  # a damaged entry is asked again and overwritten
        return hint if isinstance(hint, str) else None

    def _write_cache(self, problem: Problem, hint: str) -> None:
        path = self.cache_path(problem)
        if path is None:
            return
        record = {"id": problem.id, "model": self.model, "base_url": self.base_url,
                  "hint": hint}
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(record, f, ensure_ascii=False)
            os.replace(tmp, path)  # atomic: readers see the old file or the whole new one
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _count(self, **increments: int) -> None:
        with self._lock:
            for name, value in increments.items():
                setattr(self.stats, name, getattr(self.stats, name) + value)

    def __repr__(self) -> str:
        return f"TeacherHint(model={self.model!r}, base_url={self.base_url!r})"


def _check(*, model: str, base_url: str, max_retries: int, backoff_s: float, concurrency: int,
           timeout_s: float, max_tokens: int, prompt: str) -> None:
    """Raise ``ValueError`` naming the first bad argument."""
    if not isinstance(model, str) or not model:
        raise ValueError(f"model must be a non-empty string, got {model!r}")
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
    if not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"max_retries must be an integer >= 0, got {max_retries!r}")
    if not backoff_s >= 0:
        raise ValueError(f"backoff_s must be >= 0, got {backoff_s!r}")
    if not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
    if not timeout_s > 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s!r}")
    if not isinstance(max_tokens, int) or max_tokens < 1:
        raise ValueError(f"max_tokens must be a positive integer, got {max_tokens!r}")
    if "{problem}" not in prompt:
        raise ValueError("prompt must contain the {problem} placeholder")
