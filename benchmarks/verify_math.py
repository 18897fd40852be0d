"""guide-rl's math verifier next to math-verify: accuracy on the labelled corpus, and throughput.

Run ``python benchmarks/verify_math.py`` (``--help`` for options). It prints markdown tables:

* accuracy per category of ``tests/verifiers/math_corpus.jsonl`` for both tools, and the rows
  where one is right and the other wrong;
* throughput (answers per second) on the corpus and on a realistic mix built from the gold
  answers in the reference data (GSM8K test, AIME 2024, AMC 2023, Minerva math, and MATH-style
  files when present), each gold rendered in several equivalent and wrong forms.

How each tool is called:

* guide-rl: ``verifiers.math.verify_answer(response, gold)`` (sequential), and, where
  ``verifiers.pool.VerifierPool`` exists, a pool of ``--pool-workers`` processes with its
  judgement cache disabled.
* math-verify, with its defaults exactly: ``verify(parse(f"${gold}$"), parse(response))``. The
  gold is wrapped in ``$...$`` because a bare gold such as ``\\frac{1}{2}`` or ``x \\le 3`` is
  only read as LaTeX by math-verify's extractor inside math delimiters; this is how its own
  documentation passes gold answers. Its timeouts use ``signal.alarm``, which works only in the
  main thread, so it is always run from the main thread here.

Cache hits are kept out of the throughput numbers: every measured (gold, response) pair is
distinct; in the mix every final-answer string is also used once only; and before each timed
guide-rl run every ``functools.lru_cache`` in the ``verifiers`` package is cleared, in this
process and in the deadline worker. Gold answers repeat across the variants of one gold, as they
do for a group of rollouts in a trainer.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import pkgutil
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT / "tests" / "verifiers" / "math_corpus.jsonl"
DEFAULT_MIX_LIMIT = 2000
POOL_CHUNK = 256

Grader = Callable[[str, str], bool]


@dataclass(frozen=True)
class Case:
    """One (gold, response) pair; ``expected`` is None where the truth was not labelled."""

    category: str
    gold: str
    response: str
    expected: bool | None


@dataclass
class Run:
    """The results of grading a list of cases with one tool."""

    name: str
    verdicts: list[bool] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        """Answers graded per second of wall-clock time."""
        return len(self.verdicts) / self.seconds if self.seconds > 0 else float("nan")


# -- the two tools ------------------------------------------------------------------------------


def math_verify_grader() -> Grader:
    """math-verify with its default parse and verify configuration (main thread only)."""
    from math_verify import parse, verify

    logging.getLogger("math_verify").setLevel(logging.CRITICAL)

    def grade(response: str, gold: str) -> bool:
        try:
            return bool(verify(parse(f"${gold}$"), parse(response)))
        except Exception:  # noqa: BLE001 - a crash counts as "not verified", as in a trainer
            return False

    return grade


def guide_rl_grader() -> Grader:
    """guide-rl's :func:`verifiers.math.verify_answer`, one call per response."""
    from verifiers.math import verify_answer

    def grade(response: str, gold: str) -> bool:
        return verify_answer(response, gold).correct

    return grade


#: Caches that hold set-up, not results (pint's unit registry): kept, as a trainer keeps them.
INFRASTRUCTURE_CACHES = frozenset({"unit_registry"})


def clear_guide_rl_caches(pool: Any | None = None) -> int:
    """Clear every ``lru_cache`` in the ``verifiers`` package, here, in the deadline worker and
    in every worker of ``pool``.

    Returns how many caches were cleared in this process. Failures to reach the deadline worker
    are ignored: the distinct pairs keep judgement caches from hitting anyway.
    """
    import verifiers

    for info in pkgutil.walk_packages(verifiers.__path__, "verifiers."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        try:
            importlib.import_module(info.name)
        except Exception:  # noqa: BLE001, S112 - an optional backend may be missing
            continue
    cached = []
    for name, module in list(sys.modules.items()):
        if name == "verifiers" or name.startswith("verifiers."):
            for value in vars(module).values():
                if (callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info")
                        and getattr(value, "__name__", "") not in INFRASTRUCTURE_CACHES):
                    cached.append(value)
    for fn in cached:
        fn.cache_clear()
    _clear_in_worker(cached)
    if pool is not None:  # the warm-up pass filled the pool workers' caches
        for fn in cached:
            pool.on_each_worker(fn.cache_clear, timeout=30.0)
    return len(cached)


def _clear_in_worker(cached: Sequence[Any]) -> None:
    try:
        from verifiers.deadline import run_with_deadline
        from verifiers.math import MathVerifier
    except ImportError:
        return
    preload = getattr(MathVerifier, "worker_preload", ())
    for fn in cached:
        try:
            run_with_deadline(fn.cache_clear, timeout=30.0, preload=preload)
        except Exception:  # noqa: BLE001, S112 - e.g. a function the worker cannot import
            continue


def make_pool(workers: int) -> Any | None:
    """A ``VerifierPool`` with its judgement cache off, or None where there is none."""
    try:
        from verifiers.pool import VerifierPool
    except ImportError:
        return None
    import inspect

    params = inspect.signature(VerifierPool).parameters
    kwargs: dict[str, Any] = {}
    if "cache_size" in params:
        kwargs["cache_size"] = 0
    elif "cache" in params:
        kwargs["cache"] = False
    pool = VerifierPool(workers, **kwargs)
    warm_up = getattr(pool, "warm_up", None)
    if callable(warm_up):
        warm_up()
    return pool


def warm_pool(pool: Any, cases: Sequence[Case]) -> None:
    """One untimed pass, so every worker has loaded its parsers (as the sequential runs have)."""
    run_pool(pool, cases)


def run_pool(pool: Any, cases: Sequence[Case]) -> Run:
    """Grade ``cases`` with ``pool`` in batches, as a trainer would after each rollout step."""
    run = Run("guide-rl pool")
    problems = [SimpleNamespace(answer=case.gold) for case in cases]
    responses = [case.response for case in cases]
    batch = getattr(pool, "verify_batch", None)
    started = time.perf_counter()
    for i in range(0, len(cases), POOL_CHUNK):
        chunk = slice(i, i + POOL_CHUNK)
        if callable(batch):
            verdicts = batch(responses[chunk], problems[chunk])
        else:
            pairs = zip(responses[chunk], problems[chunk], strict=True)
            verdicts = [pool.verify(response, problem) for response, problem in pairs]
        run.verdicts.extend(bool(v.correct) for v in verdicts)
    run.seconds = time.perf_counter() - started
    return run


def run_sequential(name: str, grade: Grader, cases: Sequence[Case]) -> Run:
    """Grade ``cases`` one by one in the main thread, timing the whole pass."""
    run = Run(name)
    started = time.perf_counter()
    for case in cases:
        run.verdicts.append(grade(case.response, case.gold))
    run.seconds = time.perf_counter() - started
    return run


# -- the corpus and the mix ---------------------------------------------------------------------


def load_corpus(path: Path) -> list[Case]:
    """The labelled corpus rows."""
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [Case(r["category"], r["gold"], r["response"], bool(r["expected"])) for r in rows]


def distinct_answers(cases: Sequence[Case]) -> list[Case]:
    """The cases whose (gold, final answer) pair is new, so no judgement cache can hit.

    The final answer is read with guide-rl's own ``extract_answer`` where it exists (a
    judgement cache is keyed on it), else the whole response stands in for it.
    """
    try:
        from verifiers.math import extract_answer
    except ImportError:
        def extract_answer(response: str) -> str:
            return response
    seen: set[tuple[str, str | None]] = set()
    out = []
    for case in cases:
        key = (case.gold, extract_answer(case.response))
        if key not in seen:
            seen.add(key)
            out.append(case)
    return out


def data_dir(option: str | None) -> Path | None:
    """``--data``, else ``$GUIDE_RL_DATA``, else ``../shared/data`` next to the repository."""
    for candidate in (option, os.environ.get("GUIDE_RL_DATA")):
        if candidate:
            return Path(candidate)
    default = REPO_ROOT.parent / "shared" / "data"
    return default if default.is_dir() else None


def last_boxed(text: str) -> str | None:
    """The content of the last balanced ``\\boxed{...}`` in ``text``."""
    start = text.rfind("\\boxed{")
    if start < 0:
        return None
    depth, i = 0, start + len("\\boxed")
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j].strip()
    return None


def _jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _gsm8k(row: dict[str, Any]) -> tuple[str, str]:
    body, _, gold = row["answer"].rpartition("####")
    return gold.strip(), re.sub(r"<<[^>]*>>", "", body).strip()


def _minerva(row: dict[str, Any]) -> tuple[str, str]:
    return last_boxed(row["solution"]) or "", ""


def _math_like(row: dict[str, Any]) -> tuple[str, str]:
    gold = row.get("answer")
    if gold is None:
        gold = last_boxed(str(row.get("solution", ""))) or ""
    return _number_text(gold), ""


SOURCES: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    "gsm8k_test.jsonl": _gsm8k,
    "aime24.jsonl": lambda row: (_number_text(row["answer"]), ""),
    "amc23.jsonl": lambda row: (_number_text(row["answer"]), ""),
    "minerva_math.jsonl": _minerva,
    "math500.jsonl": _math_like,
    "math.jsonl": _math_like,
    "math_test.jsonl": _math_like,
}

FILLER = (
    "Let me restate the problem and set up the quantities involved. ",
    "We can organise the computation in a table to avoid mistakes. ",
    "Substituting the given values, the expression becomes easier to handle. ",
    "Let me double-check this step, because a sign error here would change everything. ",
    "Now we simplify, collecting like terms and cancelling common factors. ",
    "As a sanity check, the magnitude of the result is reasonable for the setting. ",
)


def reasoning(rng: random.Random, worked: str, sentences: int = 14) -> str:
    """A long, answer-free reasoning text: the worked solution where known, else filler."""
    text = " ".join(rng.choice(FILLER) for _ in range(sentences))
    return (worked + "\n\n" + text) if worked else text


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


_E_NOTATION = re.compile(r"(-?\d+(?:\.\d+)?)[eE]([-+]?\d+)")


def restyled(gold: str) -> str:
    """An equivalent spelling of a non-numeric gold, as a model might write it."""
    number = _E_NOTATION.fullmatch(gold.strip())
    if number:
        return f"{number[1]} \\times 10^{{{int(number[2])}}}"
    operator = r"\s*(=|(?<![eE])\+)\s*"  # not the + of 1e+5
    for spelling in (re.sub(operator, r" \1 ", gold).strip(), re.sub(operator, r"\1", gold)):
        if spelling != gold:
            return spelling
    return "{" + gold + "}"


def variants(gold: str, worked: str, rng: random.Random) -> list[tuple[str, str, bool | None]]:
    """``(final answer, response, expected)`` renderings of ``gold``, right and wrong."""
    long = reasoning(rng, worked)
    plain = gold.replace(",", "").replace("{,}", "")
    if not _NUMBER.fullmatch(plain):
        other = restyled(gold)
        return [
            (gold, f"{long}\n\nTherefore, the final answer is $\\boxed{{{gold}}}$.", True),
            (other, f"So we get $\\boxed{{{other}}}$.", True),
            (f"2 \\cdot \\left({gold}\\right)",
             f"{long[:400]}\n\n\\[\\boxed{{2 \\cdot \\left({gold}\\right)}}\\]", None),
        ]
    value = Fraction(plain)
    twice = value * 2
    as_int = "." not in plain
    wrong_a = str(value + 1) if as_int else f"{float(value) + 0.5:g}"
    wrong_b = str(value * 10 if value else 2) if as_int else f"{float(value) * 10:g}"
    out: list[tuple[str, str, bool | None]] = [
        (plain, f"{long}\n\nTherefore, the final answer is $\\boxed{{{plain}}}$.", True),
        (f"{plain}.0" if as_int else f"{plain}0",
         f"Computing directly gives $\\boxed{{{plain}.0}}$." if as_int
         else f"Computing directly gives $\\boxed{{{plain}0}}$.", True),
        (f"\\frac{{{twice.numerator}}}{{{2 * twice.denominator}}}",
         f"{long[:600]}\n\nThe answer is $\\frac{{{twice.numerator}}}{{{2 * twice.denominator}}}$.",
         True),
        (wrong_a, f"{long[:300]}\n\n\\[\\boxed{{{wrong_a}}}\\]", False),
        (wrong_b, f"Final answer: {wrong_b}", False),
        ("", f"{long[:500]}\n\nSo there are {plain} in total.", False),
    ]
    if as_int and abs(value) >= 1000:
        sep = f"{int(value):,}"
        out.append((sep, f"{long[:800]}\n\n**Final Answer**\n\\[\\boxed{{{sep}}}\\]", True))
    elif as_int:
        unit = f"{plain} \\text{{ units}}"
        out.append((unit, f"Hence $\\boxed{{{unit}}}$.", True))
    return out


def build_mix(directory: Path, limit: int, seed: int) -> tuple[list[Case], dict[str, int]]:
    """Distinct (gold, response) pairs over the unique golds of every source file present."""
    rng = random.Random(seed)
    golds: dict[str, tuple[str, str]] = {}
    found: dict[str, int] = {}
    for filename, read in SOURCES.items():
        path = directory / filename
        if not path.is_file():
            continue
        source = filename.removesuffix(".jsonl")
        found[source] = 0
        for row in _jsonl(path):
            gold, worked = read(row)
            if gold and gold not in golds:
                golds[gold] = (source, worked)
                found[source] += 1
    order = list(golds)
    rng.shuffle(order)
    cases: list[Case] = []
    used_answers: set[str] = set()
    per_gold = [(gold, variants(gold, golds[gold][1], rng)) for gold in order]
    for round_ in range(8):  # round-robin over golds so that a small limit still mixes sources
        for gold, rendered in per_gold:
            if round_ >= len(rendered) or len(cases) >= limit:
                continue
            answer, response, expected = rendered[round_]
            if answer and answer in used_answers:
                continue
            used_answers.add(answer)
            cases.append(Case(golds[gold][0], gold, response, expected))
    pairs = {(case.gold, case.response) for case in cases}
    assert len(pairs) == len(cases), "the mix must not repeat a (gold, response) pair"
    return cases, found


# -- reporting ----------------------------------------------------------------------------------


def _pct(right: int, total: int) -> str:
    return f"{100 * right / total:.1f}%" if total else "-"


def accuracy_table(cases: Sequence[Case], guide: Run, peer: Run) -> str:
    """Markdown: accuracy per category for both tools, and rows only one of them got right."""
    by_category: dict[str, list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        by_category[case.category].append(i)
    lines = ["| category | rows | guide-rl | math-verify | only guide-rl right | "
             "only math-verify right |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for category, indices in [*by_category.items(), ("**overall**", list(range(len(cases))))]:
        g = sum(guide.verdicts[i] == cases[i].expected for i in indices)
        p = sum(peer.verdicts[i] == cases[i].expected for i in indices)
        g_only = sum(guide.verdicts[i] == cases[i].expected != peer.verdicts[i] for i in indices)
        p_only = sum(peer.verdicts[i] == cases[i].expected != guide.verdicts[i] for i in indices)
        lines.append(f"| {category} | {len(indices)} | {_pct(g, len(indices))} | "
                     f"{_pct(p, len(indices))} | {g_only} | {p_only} |")
    return "\n".join(lines)


def throughput_table(rows: Sequence[tuple[str, int, Run, Run, Run | None]]) -> str:
    """Markdown: answers per second for each tool and the guide-rl / math-verify ratios."""
    lines = ["| set | pairs | math-verify ans/s | guide-rl ans/s | ratio | guide-rl pool ans/s | "
             "pool ratio |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, n, peer, guide, pool in rows:
        pool_cells = (f"{pool.per_second:.1f} | {pool.per_second / peer.per_second:.2f}x"
                      if pool else "n/a | n/a")
        lines.append(f"| {name} | {n} | {peer.per_second:.1f} | {guide.per_second:.1f} | "
                     f"{guide.per_second / peer.per_second:.2f}x | {pool_cells} |")
    return "\n".join(lines)


def mix_accuracy(cases: Sequence[Case], runs: Sequence[Run]) -> str:
    """One line per tool: accuracy on the labelled part of the mix, and share accepted."""
    labelled = [i for i, case in enumerate(cases) if case.expected is not None]
    parts = []
    for run in runs:
        right = sum(run.verdicts[i] == cases[i].expected for i in labelled)
        parts.append(f"{run.name}: {_pct(right, len(labelled))} right on {len(labelled)} "
                     f"labelled, {_pct(sum(run.verdicts), len(cases))} accepted overall")
    return "; ".join(parts)


def disagreements(cases: Sequence[Case], guide: Run, peer: Run) -> str:
    """Rows where guide-rl is wrong, with math-verify's verdict beside them."""
    out = []
    for i, case in enumerate(cases):
        if guide.verdicts[i] != case.expected:
            tail = case.response[-120:].replace("\n", " ")
            out.append(f"- [{case.category}] gold={case.gold!r} expected={case.expected} "
                       f"guide-rl={guide.verdicts[i]} math-verify={peer.verdicts[i]} "
                       f"response=...{tail!r}")
    return "\n".join(out) or "(none)"


# -- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Compare guide-rl's math verifier with math-verify: accuracy per category "
                    "on the labelled corpus, and throughput (answers/s, cache hits excluded) on "
                    "the corpus and on a realistic mix built from reference gold answers. "
                    "Prints markdown tables.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="labelled corpus (JSON lines); default: %(default)s")
    parser.add_argument("--data", default=None,
                        help="reference data folder (default: $GUIDE_RL_DATA, else "
                             "../shared/data next to the repository)")
    parser.add_argument("--limit", type=int, default=DEFAULT_MIX_LIMIT,
                        help="pairs in the realistic mix (default: %(default)s, a few minutes "
                             "on 2 cores); 0 skips the mix")
    parser.add_argument("--seed", type=int, default=0, help="seed for the mix (default: 0)")
    parser.add_argument("--pool-workers", type=int, default=2,
                        help="workers for verifiers.pool.VerifierPool, if it exists; 0 skips it "
                             "(default: %(default)s)")
    parser.add_argument("--show-errors", action="store_true",
                        help="list the corpus rows guide-rl gets wrong")
    return parser.parse_args(argv)


def measure(name: str, cases: Sequence[Case], pool_workers: int, peer: Grader, guide: Grader,
            warm_up_cases: Sequence[Case]) -> tuple[str, int, Run, Run, Run | None]:
    """Time math-verify, guide-rl sequential and (if available) the pool on ``cases``."""
    peer_run = run_sequential("math-verify", peer, cases)
    clear_guide_rl_caches()
    guide_run = run_sequential("guide-rl", guide, cases)
    pool_run = None
    if pool_workers > 0:
        clear_guide_rl_caches()
        pool = make_pool(pool_workers)
        if pool is not None:
            try:
                warm_pool(pool, warm_up_cases)
                clear_guide_rl_caches(pool)
                pool_run = run_pool(pool, cases)
            finally:
                pool.close()
    return name, len(cases), peer_run, guide_run, pool_run


def main(argv: Sequence[str] | None = None) -> int:
    """Run both tools and print the tables."""
    args = parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT))
    peer, guide = math_verify_grader(), guide_rl_grader()
    guide("\\boxed{0}", "0")  # start guide-rl's worker outside the timed runs
    peer("\\boxed{0}", "0")

    corpus = load_corpus(args.corpus)
    corpus_peer = run_sequential("math-verify", peer, corpus)
    corpus_guide = run_sequential("guide-rl", guide, corpus)
    results = [measure("corpus (distinct answers)", distinct_answers(corpus), args.pool_workers,
                       peer, guide, corpus)]
    print(f"## Accuracy on {args.corpus.name} ({len(corpus)} rows)\n")
    print(accuracy_table(corpus, corpus_guide, corpus_peer))

    mix_note = "mix skipped (--limit 0)"
    if args.limit > 0:
        directory = data_dir(args.data)
        if directory is None or not directory.is_dir():
            mix_note = f"mix skipped: no reference data folder ({directory})"
        else:
            mix, found = build_mix(directory, args.limit, args.seed)
            results.append(measure("realistic mix", mix, args.pool_workers, peer, guide, corpus))
            sources = ", ".join(f"{k} ({v} golds)" for k, v in found.items())
            _, _, mix_peer, mix_guide, mix_pool = results[-1]
            runs = [r for r in (mix_guide, mix_pool, mix_peer) if r is not None]
            mix_note = (f"mix: {len(mix)} distinct pairs from {sources}; "
                        f"{mix_accuracy(mix, runs)}")

    pool_note = ("guide-rl pool: verifiers.pool.VerifierPool(workers="
                 f"{args.pool_workers}), judgement cache off" if results[0][4]
                 else "guide-rl pool: not measured (no verifiers.pool.VerifierPool or "
                      "--pool-workers 0)")
    print("\n## Throughput (answers per second; ratio = guide-rl / math-verify)\n")
    print(throughput_table(results))
    print(f"\n- {mix_note}\n- {pool_note}\n- machine: {os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}")
    if args.show_errors:
        print("\n## Corpus rows guide-rl gets wrong\n")
        print(disagreements(corpus, corpus_guide, corpus_peer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
