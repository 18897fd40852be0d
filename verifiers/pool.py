"""Parallel verification under a hard deadline: :class:`VerifierPool`, :class:`PoolStats`.

A trainer grades thousands of responses per step; some answers (``9^{9^{9^{9}}}``) would make a
symbolic comparison run for hours. The pool spreads judgements over ``workers`` persistent
:class:`~verifiers.deadline.DeadlineWorker` processes, kills and replaces any that overruns its
deadline (the item gets a ``timeout`` Verdict), and caches judgements so that repeated answers,
common within a GRPO group, are judged once.
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from verifiers import registry
from verifiers.base import DEFAULT_DEADLINE_S, TwoStage, failure_verdict, judge_guarded
from verifiers.deadline import DeadlineWorker
from verifiers.verdict import Status, Verdict

__all__ = ["DEFAULT_PRELOAD", "PoolStats", "VerifierPool"]

#: Modules every worker imports once at start (the judging code of the built-in verifiers).
DEFAULT_PRELOAD: tuple[str, ...] = ("verifiers.math.warmup",)

VerifierLike = str | registry.Verifier


@dataclass(frozen=True)
class PoolStats:
    """Counts since the pool was made.

    Attributes:
        verified: Verdicts returned.
        cache_hits: Verdicts served without judging (cached, or a repeat within one batch).
        timeouts: Verdicts with status ``timeout`` (each one killed and replaced a worker).
        errors: Verdicts with status ``error`` (crashed workers, exceptions in verifiers) or
            ``unavailable`` (a verifier that cannot run here).
        restarts: Worker processes replaced after an overrun or a crash.
    """

    verified: int = 0
    cache_hits: int = 0
    timeouts: int = 0
    errors: int = 0
    restarts: int = 0


@dataclass(frozen=True)
class _Job:
    """One call to run on a worker, and what its Verdict needs from the caller."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    deadline_s: float
    extracted: str | None = None
    key: Hashable | None = None


class _LRUCache:
    """A thread-safe mapping that forgets the least recently used entry beyond ``size``."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[Hashable, Verdict] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Verdict | None:
        with self._lock:
            verdict = self._data.get(key)
            if verdict is not None:
                self._data.move_to_end(key)
            return verdict

    def put(self, key: Hashable, verdict: Verdict) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._data[key] = verdict
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


class VerifierPool:
    """Grade responses in ``workers`` processes, each item under a hard deadline.

    Works from any thread (calls share the workers) and from asyncio (:meth:`averify`,
    :meth:`averify_batch`). ``verifier`` is a name for :func:`verifiers.get` (built-ins and the
    ``guide_rl.verifiers`` entry-point group) or a verifier object. A
    :class:`~verifiers.base.TwoStage` verifier extracts in the calling thread, and only the
    judgement travels to a worker, cached by (verifier, ``cache_key(problem)``, extracted answer);
    any other verifier runs its whole ``verify`` on a worker, uncached (it must be picklable).

    Deadline rule: ``deadline_s`` given to the pool applies to every item; left as None, each
    verifier's own ``deadline_s`` applies, else 5 s.

    Args:
        workers: Worker processes (default ``os.cpu_count()``, at least 1).
        deadline_s: Seconds one judgement may take (see the rule above).
        cache_size: Judgements kept (least recently used dropped first); 0 disables the cache.
        preload: Modules each worker imports at start, so no call pays for the import. The
            ``worker_preload`` modules of each verifier the pool meets are added (see
            :meth:`warm_up`).

    Example:
        >>> from types import SimpleNamespace
        >>> with VerifierPool(workers=2) as pool:
        ...     verdicts = pool.verify_batch(["\\\\boxed{4}", "\\\\boxed{5}", "I give up"],
        ...                                  SimpleNamespace(answer="4"), verifier="math")
        ...     [v.status.value for v in verdicts], pool.stats.verified
        (['correct', 'incorrect', 'no_answer'], 3)
    """

    def __init__(self, workers: int | None = None, *, deadline_s: float | None = None,
                 cache_size: int = 100_000, preload: Sequence[str] = DEFAULT_PRELOAD) -> None:
        workers = max(1, os.cpu_count() or 2) if workers is None else workers
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers!r}")
        if deadline_s is not None and not deadline_s > 0:
            raise ValueError(f"deadline_s must be positive, got {deadline_s!r}")
        self.deadline_s = deadline_s
        self._workers = [DeadlineWorker(preload) for _ in range(workers)]
        self._idle: queue.SimpleQueue[DeadlineWorker] = queue.SimpleQueue()
        for worker in self._workers:
            self._idle.put(worker)
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="verifier-pool")
        self._cache = _LRUCache(cache_size)
        self._named: dict[str, registry.Verifier] = {}
        self._counts = dict.fromkeys(("verified", "cache_hits", "timeouts", "errors"), 0)
        self._lock = threading.Lock()
        self._preloaded = set(preload)
        self._preload_lock = threading.Lock()
        self._closed = False
        self._finalizer = weakref.finalize(self, _shutdown, self._executor, self._workers)

    # -- public API ----------------------------------------------------------------------------

    def verify(self, response: str, problem: Any, verifier: VerifierLike = "math") -> Verdict:
        """Grade one response (in a worker, under the deadline)."""
        return self.verify_batch([response], [problem], verifier)[0]

    def verify_batch(self, responses: Sequence[str], problems: Any,
                     verifier: VerifierLike = "math") -> list[Verdict]:
        """Grade ``responses`` in parallel; Verdicts come back in input order.

        ``problems`` is one problem for all responses or a sequence of the same length.
        """
        responses = list(responses)
        return self.verify_mixed(responses, _broadcast(problems, len(responses)),
                                 [verifier] * len(responses))

    def verify_mixed(self, responses: Sequence[str], problems: Sequence[Any],
                     verifiers: Sequence[VerifierLike]) -> list[Verdict]:
        """Grade ``responses[i]`` for ``problems[i]`` with ``verifiers[i]``, as one batch.

        For batches whose problems name different verifiers (a mixed dataset): all items are
        judged together, spread over the workers; Verdicts come back in input order.

        >>> from types import SimpleNamespace
        >>> with VerifierPool(workers=1) as pool:
        ...     got = pool.verify_mixed(["\\\\boxed{4}", "(B)"],
        ...                             [SimpleNamespace(answer="4"),
        ...                              SimpleNamespace(answer="B", choices=("3", "4"))],
        ...                             ["math", "science"])
        ...     [v.correct for v in got]
        [True, True]
        """
        self._check_open()
        if not len(responses) == len(problems) == len(verifiers):
            raise ValueError(f"got {len(responses)} responses, {len(problems)} problems and "
                             f"{len(verifiers)} verifiers")
        chosen = [self._resolve(v) for v in verifiers]
        self._preload_for(chosen)
        prepared = [self._prepare(*item) for item in zip(chosen, responses, problems, strict=True)]
        results = self._judge_all(prepared)
        self._record(results)
        return results

    async def averify(self, response: str, problem: Any,
                      verifier: VerifierLike = "math") -> Verdict:
        """:meth:`verify` in a thread, leaving the event loop free."""
        return await asyncio.to_thread(self.verify, response, problem, verifier)

    async def averify_batch(self, responses: Sequence[str], problems: Any,
                            verifier: VerifierLike = "math") -> list[Verdict]:
        """:meth:`verify_batch` in a thread, leaving the event loop free."""
        return await asyncio.to_thread(self.verify_batch, responses, problems, verifier)

    def warm_up(self, *verifiers: VerifierLike) -> VerifierPool:
        """Start every worker now and wait until all are ready (else they start on first use).

        Each of ``verifiers`` has its ``worker_preload`` imported at the same time (the pool
        does that anyway before a verifier's first batch, outside its deadline).
        """
        self._check_open()
        self._preload_for([self._resolve(v) for v in verifiers])
        self.on_each_worker(int, "0", timeout=60.0)
        return self

    def on_each_worker(self, fn: Callable[..., Any], *args: Any,
                       timeout: float = 60.0) -> list[Any]:
        """Run ``fn(*args)`` once in every worker process and return the results.

        For set-up and housekeeping: import a module, clear a cache. ``fn`` and its result must
        pickle; an overrun raises :class:`~verifiers.deadline.DeadlineExceeded`.

        >>> import os
        >>> with VerifierPool(workers=2) as pool:
        ...     len(set(pool.on_each_worker(os.getpid)))
        2
        """
        self._check_open()
        return list(self._executor.map(lambda w: w.call(fn, *args, timeout=timeout),
                                       self._workers))

    @property
    def stats(self) -> PoolStats:
        """Counts of verdicts, cache hits, timeouts, errors and worker restarts."""
        with self._lock:
            counts = dict(self._counts)
        return PoolStats(**counts, restarts=sum(w.restarts for w in self._workers))

    def close(self) -> None:
        """Stop the workers and their threads. Safe to call twice."""
        self._closed = True
        self._finalizer()

    def __enter__(self) -> VerifierPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"VerifierPool(workers={len(self._workers)}, deadline_s={self.deadline_s}, {state})"

    # -- internals -----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("VerifierPool is closed")

    def _resolve(self, verifier: VerifierLike) -> registry.Verifier:
        if not isinstance(verifier, str):
            return verifier
        with self._lock:
            if verifier not in self._named:
                self._named[verifier] = registry.get(verifier)
            return self._named[verifier]

    def _preload_for(self, chosen: Sequence[registry.Verifier]) -> None:
        """Import the verifiers' ``worker_preload`` modules in every worker, once each.

        Done before the batch is judged, so no judgement pays for the import in its deadline.
        """
        wanted = dict.fromkeys(m for v in {id(v): v for v in chosen}.values()
                               for m in getattr(v, "worker_preload", ()))
        with self._preload_lock:
            missing = tuple(m for m in wanted if m not in self._preloaded)
            if not missing:
                return
            list(self._executor.map(lambda w: w.preload(missing), self._workers))
            self._preloaded.update(missing)

    def _deadline_for(self, verifier: registry.Verifier) -> float:
        if self.deadline_s is not None:
            return self.deadline_s
        return getattr(verifier, "deadline_s", None) or DEFAULT_DEADLINE_S

    def _prepare(self, verifier: registry.Verifier, response: str,
                 problem: Any) -> tuple[float, Verdict | _Job]:
        """(start time, the final Verdict or the job that will produce it)."""
        started = time.perf_counter()
        if not isinstance(response, str):
            reason = f"response must be str, got {type(response).__name__}"
            return started, Verdict.failed(Status.ERROR, reason)
        if not isinstance(verifier, TwoStage):
            return started, _Job(verifier.verify, (response, problem), self._deadline_for(verifier))
        try:
            return started, self._prepare_two_stage(verifier, response, problem)
        except Exception as exc:  # noqa: BLE001 - a verifier bug must not crash the trainer
            return started, Verdict.failed(Status.ERROR, f"could not extract: {exc!r}"[:300])

    def _prepare_two_stage(self, verifier: TwoStage, response: str,
                           problem: Any) -> Verdict | _Job:
        extracted = verifier.extract(response, problem)
        if isinstance(extracted, Verdict):
            return extracted
        key = (verifier.name, _config(verifier), verifier.cache_key(problem), extracted)
        cached = self._cache.get(key)
        if cached is not None:
            with self._lock:
                self._counts["cache_hits"] += 1
            return cached
        args = (verifier, extracted, verifier.portable(problem))
        return _Job(judge_guarded, args, self._deadline_for(verifier), extracted, key)

    def _judge_all(self, prepared: list[tuple[float, Verdict | _Job]]) -> list[Verdict]:
        """Run each distinct job once, in per-worker chunks run in parallel, in input order.

        A chunk travels to its worker as one message and the answers stream back one by one
        (:meth:`~verifiers.deadline.DeadlineWorker.call_many`), so a batch costs a round trip
        per worker, not per item; each item keeps its own deadline.
        """
        jobs = [item for _, item in prepared if isinstance(item, _Job)]
        unique: dict[Hashable, _Job] = {}
        for job in jobs:
            unique.setdefault(_job_id(job), job)
        with self._lock:
            self._counts["cache_hits"] += len(jobs) - len(unique)  # repeats within the batch
        keys = list(unique)
        chunks = [keys[i::len(self._workers)] for i in range(len(self._workers))]
        chunks = [chunk for chunk in chunks if chunk]
        if len(chunks) == 1:
            done = self._run([unique[k] for k in chunks[0]])
        else:
            futures = [self._executor.submit(self._run, [unique[k] for k in chunk])
                       for chunk in chunks]
            done = [result for future in futures for result in future.result()]
        by_key = dict(zip((k for chunk in chunks for k in chunk), done, strict=True))
        return [self._finish(started, item, by_key) for started, item in prepared]

    def _finish(self, started: float, item: Verdict | _Job,
                done: dict[Hashable, tuple[Verdict, float]]) -> Verdict:
        if isinstance(item, Verdict):
            return item.with_elapsed(time.perf_counter() - started)
        verdict, finished = done[_job_id(item)]
        return verdict.with_elapsed(finished - started)

    def _run(self, jobs: list[_Job]) -> list[tuple[Verdict, float]]:
        """Run ``jobs`` on an idle worker: (each Verdict, when it finished)."""
        worker = self._idle.get()
        try:
            replies = _call_many(worker, jobs)
        finally:
            self._idle.put(worker)
        finished = time.perf_counter()
        results = []
        for job, reply in zip(jobs, replies, strict=True):
            verdict, cacheable = _verdict(job, *reply)
            if cacheable and job.key is not None:
                self._cache.put(job.key, verdict)
            results.append((verdict, finished))
        return results

    def _record(self, results: list[Verdict]) -> None:
        with self._lock:
            self._counts["verified"] += len(results)
            for verdict in results:
                if verdict.status is Status.TIMEOUT:
                    self._counts["timeouts"] += 1
                elif verdict.status in (Status.ERROR, Status.UNAVAILABLE):
                    self._counts["errors"] += 1


def _call_many(worker: DeadlineWorker, jobs: list[_Job]) -> list[tuple[bool, Any]]:
    """The worker's replies to ``jobs``; a job that cannot be sent fails alone."""
    try:
        return worker.call_many([(job.fn, job.args) for job in jobs],
                                [job.deadline_s for job in jobs])
    except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable problem: isolate it
        if len(jobs) == 1:
            return [(False, exc)]
    replies = []
    for job in jobs:
        try:
            replies.extend(worker.call_many([(job.fn, job.args)], [job.deadline_s]))
        except Exception as exc:  # noqa: BLE001 - the reply says why
            replies.append((False, exc))
    return replies


def _verdict(job: _Job, ok: bool, value: Any) -> tuple[Verdict, bool]:
    """A worker's reply to ``job`` as (Verdict, whether the Verdict may be cached)."""
    if not ok:
        return failure_verdict(value, job.deadline_s, job.extracted), False
    if not isinstance(value, Verdict):
        reason = f"verifier returned {type(value).__name__}, not a Verdict"
        return Verdict.failed(Status.ERROR, reason, job.extracted), False
    return value, value.status is not Status.UNAVAILABLE  # the machine may be fixed


def _job_id(job: _Job) -> Hashable:
    """Jobs with equal ids give equal Verdicts: the cache key, else the job itself."""
    return job.key if job.key is not None else id(job)


def _config(verifier: TwoStage) -> str:
    """The verifier's type and settings, so differently configured verifiers never share."""
    settings = sorted(getattr(verifier, "__dict__", {}).items())
    return f"{type(verifier).__module__}.{type(verifier).__qualname__}{settings!r}"


def _broadcast(problems: Any, n: int) -> Sequence[Any]:
    """``problems`` as one problem per response."""
    if isinstance(problems, Sequence) and not isinstance(problems, (str, bytes)):
        if len(problems) != n:
            raise ValueError(f"got {n} responses but {len(problems)} problems")
        return problems
    return [problems] * n


def _shutdown(executor: ThreadPoolExecutor, workers: list[DeadlineWorker]) -> None:
    executor.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.close()
