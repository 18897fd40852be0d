"""guide-rl's math verifier next to math-verify: accuracy on the labelled corpus, and throughput.

Run ``python benchmarks/verify_math.py`` (``--help`` for options). It prints markdown tables:

* accuracy per category of ``tests/verifiers/math/math_corpus.jsonl`` for both tools, and the rows
  where one is right and the other wrong;
* the composition of the realistic mix (below);
* per set (the corpus, the real model outputs, the synthetic part, the whole mix): pairs, how
  many are labelled wrong, answers per second for both tools and their ratio, and how often
  each tool agrees with the labels.

The realistic mix is what a trainer grades early in RL training, when most answers are wrong:

1. **Real model outputs**: ``benchmarks/data/smollm2_outputs.jsonl`` (committed; see the README
   next to it), SmolLM2-135M-Instruct samples on GSM8K train problems (with and without a hint)
   and on Minerva-math problems, each labelled by hand. Almost all are wrong or have no final
   answer. Samples of one problem that repeat a final answer are kept once (see below); those
   with no final answer are all kept.
2. **Synthetic pairs**, only when the reference data folder is there (``--data``): built from the
   unique gold answers of GSM8K test, AIME 2024, AMC 2023, Minerva math and MATH-style files, in
   the shares of :data:`SYNTHETIC_MIX`, which is 30% right and 70% wrong in the forms small
   models produce:

   ===============================  =====  ==================================================
   kind                             share  what the response is
   ===============================  =====  ==================================================
   right, boxed after reasoning     15%    worked reasoning, then ``\\boxed{gold}``
   right, other spelling            15%    ``12.0``, ``\\frac{24}{2}``, ``1,900``, units, ...
   wrong number                     20%    a different value, boxed or on an answer line
   near miss                        15%    off by one, sign slip, digit or decimal slip
   no final answer (cut off)        20%    reasoning cut mid-sentence, no answer stated
   rambling, no answer              15%    loops of text or tokens, empty ``\\boxed{}``
   ===============================  =====  ==================================================

   Off-by-one near misses are made only for exact integer sources (GSM8K, AIME, AMC); for
   Minerva's measured quantities a near miss is a sign, decimal-place or exponent slip, which is
   wrong under any tolerance. A response that is cut off or rambles has no final answer and is
   labelled wrong even when a number in it equals the gold (math-verify falls back on the last
   number of the text; the labels do not).

``--limit`` is the size of the whole mix: all real outputs, then synthetic pairs up to it. From a
clone without the data folder the mix is the real outputs alone.

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
distinct; in each set every (gold, final answer) pair is also used once only (final answers as
guide-rl's ``extract_answer`` reads them; a response without one cannot hit a judgement cache);
in the synthetic part every final-answer string is used once only; and before each timed
guide-rl run every ``functools.lru_cache`` in the ``verifiers`` package is cleared, in this
process and in the deadline worker. Gold answers repeat across the pairs of one gold, as they
do for a group of rollouts in a trainer.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import math
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
DEFAULT_CORPUS = REPO_ROOT / "tests" / "verifiers" / "math" / "math_corpus.jsonl"
DEFAULT_OUTPUTS = REPO_ROOT / "benchmarks" / "data" / "smollm2_outputs.jsonl"
DEFAULT_MIX_LIMIT = 2000
POOL_CHUNK = 256

Grader = Callable[[str, str], bool]


@dataclass(frozen=True)
class Case:
    """One (gold, response) pair; ``expected`` is None where the truth was not labelled.

    ``category`` is the corpus category or, in the mix, the source; ``kind`` is the mix kind
    (``"model output"`` or a key of :data:`SYNTHETIC_MIX`).
    """

    category: str
    gold: str
    response: str
    expected: bool | None
    kind: str = ""


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


def distinct_answers(cases: Sequence[Case], *, keep_unanswered: bool = False) -> list[Case]:
    """The cases whose (gold, final answer) pair is new, so no judgement cache can hit.

    The final answer is read with guide-rl's own ``extract_answer`` where it exists (a
    judgement cache is keyed on it), else the whole response stands in for it. With
    ``keep_unanswered``, every case without a final answer is kept: there is nothing to judge,
    so nothing to cache.
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
        if key[1] is None and keep_unanswered:
            out.append(case)
        elif key not in seen:
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

#: The synthetic part of the realistic mix: kind -> share (30% right, 70% wrong).
SYNTHETIC_MIX: dict[str, float] = {
    "right, boxed after reasoning": 0.15,
    "right, other spelling": 0.15,
    "wrong number": 0.20,
    "near miss": 0.15,
    "no final answer (cut off)": 0.20,
    "rambling, no answer": 0.15,
}
RIGHT_KINDS = frozenset({"right, boxed after reasoning", "right, other spelling"})

#: Sources whose golds are exact integers, where an off-by-one answer is plainly wrong.
EXACT_SOURCES = frozenset({"gsm8k_test", "aime24", "amc23"})

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_E_NOTATION = re.compile(r"(-?\d+(?:\.\d+)?)[eE]([-+]?\d+)")
_COMMAND = re.compile(r"\\[a-zA-Z]+")

#: A rendering: (final answer or None where the response states none, response).
Rendering = tuple[str | None, str]


@dataclass(frozen=True)
class Gold:
    """A unique gold answer, where it came from, and its worked solution where known."""

    text: str
    source: str
    worked: str

    @property
    def exact(self) -> Fraction | None:
        """The gold as an exact number (``1,900``, ``-3``, ``0.25``), else None."""
        plain = self.text.replace(",", "").replace("{,}", "")
        return Fraction(plain) if _NUMBER.fullmatch(plain) else None

    @property
    def approximate(self) -> float | None:
        """The gold as a float where only ``float()`` reads it (``9.35e5``, ``+2``), else None."""
        if self.exact is not None:
            return None
        try:
            value = float(self.text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None

    @property
    def has_variable(self) -> bool:
        """Whether a letter is left once LaTeX commands are removed (``x``, ``t``, ``MR``)."""
        return re.search(r"[a-zA-Z]", _COMMAND.sub("", self.text)) is not None


def reasoning(rng: random.Random, worked: str, sentences: int = 14) -> str:
    """A long, answer-free reasoning text: the worked solution where known, else filler."""
    text = " ".join(rng.choice(FILLER) for _ in range(sentences))
    return (worked + "\n\n" + text) if worked else text


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


def _exact_text(value: Fraction, decimal: bool) -> str:
    """``value`` written as an integer, or as a short decimal where the gold is one."""
    if value.denominator == 1 and not decimal:
        return str(value.numerator)
    return f"{float(value):.10g}"


def _stated(rng: random.Random, gold: Gold, answer: str) -> str:
    """A response that ends by stating ``answer``, in one of the forms models use."""
    long = reasoning(rng, gold.worked)
    forms = (f"{long[:rng.randint(200, 600)]}\n\n\\[\\boxed{{{answer}}}\\]",
             f"{long[:rng.randint(200, 600)]}\n\nThe answer is {answer}.",
             f"{long[:rng.randint(100, 300)]}\n\nFinal answer: {answer}",
             f"{long[:rng.randint(200, 600)]}\n#### {answer}\nThe answer is: {answer}")
    return rng.choice(forms)


def right_boxed(gold: Gold, rng: random.Random) -> list[Rendering]:
    """The gold, boxed at the end of a worked solution."""
    long = reasoning(rng, gold.worked)
    return [(gold.text, f"{long}\n\nTherefore, the final answer is $\\boxed{{{gold.text}}}$.")]


def right_spelling(gold: Gold, rng: random.Random) -> list[Rendering]:
    """Equivalent spellings of the gold (``12.0``, ``\\frac{24}{2}``, ``1,900``, units)."""
    value = gold.exact
    if value is None:
        other = restyled(gold.text)
        return [(other, f"So we get $\\boxed{{{other}}}$.")]
    plain = gold.text.replace(",", "").replace("{,}", "")
    twice = value * 2
    fraction = f"\\frac{{{twice.numerator}}}{{{2 * twice.denominator}}}"
    long = reasoning(rng, gold.worked)
    out: list[Rendering] = [
        (f"{plain}.0" if "." not in plain else f"{plain}0",
         f"Computing directly gives $\\boxed{{{plain}.0}}$." if "." not in plain
         else f"Computing directly gives $\\boxed{{{plain}0}}$."),
        (fraction, f"{long[:600]}\n\nThe answer is ${fraction}$."),
    ]
    if value.denominator == 1 and abs(value) >= 1000:
        sep = f"{int(value):,}"
        out.append((sep, f"{long[:800]}\n\n**Final Answer**\n\\[\\boxed{{{sep}}}\\]"))
    elif value.denominator == 1:
        unit = f"{plain} \\text{{ units}}"
        out.append((unit, f"Hence $\\boxed{{{unit}}}$."))
    rng.shuffle(out)
    return out


def wrong_number(gold: Gold, rng: random.Random) -> list[Rendering]:
    """A clearly different value, stated as the final answer."""
    if gold.exact is not None:
        value, decimal = gold.exact, "." in gold.text
        shift = rng.randint(2, 50)
        candidates = [value * 2, value * 10, value + shift, value - shift, value * 3 + 7]
        answers = [_exact_text(c, decimal) for c in candidates if c != value]
    elif gold.approximate is not None:
        value = gold.approximate
        answers = [f"{c:g}" for c in (value * 2, value * 100, value / 3 - 1) if c != value]
    elif gold.has_variable:  # an expression in a variable is no integer constant
        answers = [str(rng.randint(2, 99)) for _ in range(3)]
    else:
        return []
    rng.shuffle(answers)
    return [(answer, _stated(rng, gold, answer)) for answer in answers]


def near_miss(gold: Gold, rng: random.Random) -> list[Rendering]:
    """Almost the gold: off by one (exact integer sources only), a sign, digit or decimal slip."""
    answers: list[str] = []
    if gold.exact is not None:
        value, decimal = gold.exact, "." in gold.text
        slips = [value * 10, value / 10] + ([-value] if value else [])
        if gold.source in EXACT_SOURCES and value.denominator == 1:
            slips += [value + 1, value - 1]
            digits = str(abs(value.numerator))
            if len(digits) >= 2 and digits[-1] != digits[-2]:  # two digits swapped
                swapped = digits[:-2] + digits[-1] + digits[-2]
                slips.append(Fraction(int(swapped)) * (1 if value > 0 else -1))
        answers = [_exact_text(s, decimal or s.denominator != 1) for s in slips if s != value]
    elif gold.approximate is not None and gold.approximate != 0:
        value = gold.approximate
        answers = [f"{value * 10:g}", f"{value / 10:g}", f"{-value:g}"]
    rng.shuffle(answers)
    return [(answer, _stated(rng, gold, answer)) for answer in answers]


def cut_off(gold: Gold, rng: random.Random) -> list[Rendering]:
    """Reasoning cut off mid-sentence (out of tokens) before any answer is stated."""
    steps = gold.worked.splitlines()[:-1]  # a GSM8K solution's last line states the answer
    text = reasoning(rng, "\n".join(steps), sentences=rng.randint(3, 8))
    end = rng.randint(len(text) * 3 // 5, len(text) - 3)
    return [(None, text[:end].rstrip())]


def rambling(gold: Gold, rng: random.Random) -> list[Rendering]:
    """Loops of text or tokens, sometimes with an empty box: no final answer."""
    sentence = rng.choice(FILLER)
    token = rng.choice(("2 ", "1 + ", "step-by-step ", "= "))
    styles = (
        "To solve this problem, we need to break it down step by step. "
        + sentence * rng.randint(12, 30),
        "1. Let me count: " + token * rng.randint(60, 200),
        "".join(f"Step {i}: {rng.choice(FILLER)}\n" for i in range(1, rng.randint(10, 25)))
        + "To put the final answer within \\boxed{}, we first need to",
    )
    text = rng.choice(styles)
    return [(None, text[:rng.randint(len(text) * 4 // 5, len(text))])]


RENDERERS: dict[str, Callable[[Gold, random.Random], list[Rendering]]] = {
    "right, boxed after reasoning": right_boxed,
    "right, other spelling": right_spelling,
    "wrong number": wrong_number,
    "near miss": near_miss,
    "no final answer (cut off)": cut_off,
    "rambling, no answer": rambling,
}


def quotas(total: int) -> dict[str, int]:
    """How many pairs of each kind make ``total`` (largest remainders, so they add up)."""
    exact = {kind: share * total for kind, share in SYNTHETIC_MIX.items()}
    counts = {kind: int(x) for kind, x in exact.items()}
    by_remainder = sorted(exact, key=lambda kind: exact[kind] - counts[kind], reverse=True)
    for kind in by_remainder[:total - sum(counts.values())]:
        counts[kind] += 1
    return counts


def read_golds(directory: Path) -> tuple[list[Gold], dict[str, int]]:
    """The unique golds of every source file present, and how many each file gave."""
    golds: dict[str, Gold] = {}
    found: dict[str, int] = {}
    for filename, read in SOURCES.items():
        path = directory / filename
        if not path.is_file():
            continue
        source = filename.removesuffix(".jsonl")
        found[source] = 0
        for row in _jsonl(path):
            text, worked = read(row)
            if text and text not in golds:
                golds[text] = Gold(text, source, worked)
                found[source] += 1
    return list(golds.values()), found


def build_synthetic(golds: Sequence[Gold], total: int, seed: int) -> list[Case]:
    """``total`` distinct pairs in the shares of :data:`SYNTHETIC_MIX`, golds spread evenly.

    Right kinds are filled first, so that a wrong answer never takes a string another gold
    needs; no final-answer string is used twice (None, for no answer, may repeat).
    """
    rng = random.Random(seed)
    used: set[str] = set()
    cases: list[Case] = []
    for kind, quota in quotas(total).items():
        order = list(golds)
        rng.shuffle(order)
        made = 0
        for gold in order * 3:  # up to three pairs of a kind per gold if golds are few
            if made >= quota:
                break
            for answer, response in RENDERERS[kind](gold, rng):
                if answer is None or answer not in used:
                    if answer is not None:
                        used.add(answer)
                    cases.append(Case(gold.source, gold.text, response, kind in RIGHT_KINDS,
                                      kind))
                    made += 1
                    break
    rng.shuffle(cases)  # a trainer's batch mixes kinds
    unique = {(case.gold, case.response): case for case in cases}
    return list(unique.values())


def load_outputs(path: Path) -> list[Case]:
    """The labelled real model outputs of the fixture (unlabelled rows are left out)."""
    return [Case(row["source"], row["gold"], row["response"], bool(row["expected"]),
                 "model output") for row in _jsonl(path) if row.get("expected") is not None]


def build_mix(outputs: Path | None, directory: Path | None, limit: int,
              seed: int) -> tuple[list[Case], list[Case], dict[str, int]]:
    """The real outputs (answer repeats dropped) and the synthetic pairs up to ``limit``."""
    real = distinct_answers(load_outputs(outputs), keep_unanswered=True) if outputs else []
    synthetic: list[Case] = []
    found: dict[str, int] = {}
    if directory is not None and limit > len(real):
        golds, found = read_golds(directory)
        synthetic = build_synthetic(golds, limit - len(real), seed)
    return real, synthetic, found


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


def composition_table(real: Sequence[Case], synthetic: Sequence[Case]) -> str:
    """Markdown: pairs of the mix per part and kind, with how many are labelled wrong."""
    groups: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in real:
        groups[("real outputs", case.category)].append(case)
    for kind in SYNTHETIC_MIX:
        groups[("synthetic", kind)] = [case for case in synthetic if case.kind == kind]
    total = len(real) + len(synthetic)
    lines = ["| part | source or kind | pairs | share of mix | labelled wrong |",
             "| --- | --- | ---: | ---: | ---: |"]
    for (part, name), cases in groups.items():
        if cases:
            wrong = sum(case.expected is False for case in cases)
            lines.append(f"| {part} | {name} | {len(cases)} | {_pct(len(cases), total)} | "
                         f"{wrong} |")
    wrong = sum(case.expected is False for case in [*real, *synthetic])
    lines.append(f"| **mix** | | {total} | 100.0% | {wrong} ({_pct(wrong, total)}) |")
    return "\n".join(lines)


@dataclass
class Measured:
    """One set's cases and the runs of each tool on it."""

    name: str
    cases: list[Case]
    peer: Run
    guide: Run
    pool: Run | None

    def merged(self, other: Measured, name: str) -> Measured:
        """The two sets as one: verdicts concatenated, seconds added."""
        def join(a: Run | None, b: Run | None) -> Run | None:
            if a is None or b is None:
                return None
            return Run(a.name, [*a.verdicts, *b.verdicts], a.seconds + b.seconds)

        return Measured(name, [*self.cases, *other.cases], join(self.peer, other.peer),
                        join(self.guide, other.guide), join(self.pool, other.pool))


def _agreement(cases: Sequence[Case], run: Run) -> str:
    labelled = [i for i, case in enumerate(cases) if case.expected is not None]
    return _pct(sum(run.verdicts[i] == cases[i].expected for i in labelled), len(labelled))


def throughput_table(sets: Sequence[Measured]) -> str:
    """Markdown: per set, answers per second, guide-rl / math-verify ratios and accuracy."""
    lines = ["| set | pairs | labelled wrong | math-verify ans/s | guide-rl ans/s | ratio | "
             "guide-rl pool ans/s | pool ratio | math-verify right | guide-rl right |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for m in sets:
        peer = m.peer.per_second
        pool_cells = (f"{m.pool.per_second:.1f} | {m.pool.per_second / peer:.2f}x"
                      if m.pool else "n/a | n/a")
        wrong = sum(case.expected is False for case in m.cases)
        lines.append(f"| {m.name} | {len(m.cases)} | {wrong} | {peer:.1f} | "
                     f"{m.guide.per_second:.1f} | {m.guide.per_second / peer:.2f}x | "
                     f"{pool_cells} | {_agreement(m.cases, m.peer)} | "
                     f"{_agreement(m.cases, m.guide)} |")
    return "\n".join(lines)


def accepted(m: Measured) -> str:
    """One line: the share of the set each tool accepts, next to the share labelled right."""
    runs = [r for r in (m.guide, m.pool, m.peer) if r is not None]
    right = sum(case.expected is True for case in m.cases)
    parts = [f"{run.name} {_pct(sum(run.verdicts), len(m.cases))}" for run in runs]
    return (f"{m.name}: labelled right {_pct(right, len(m.cases))}; accepted by "
            + ", ".join(parts))


def disagreements(cases: Sequence[Case], guide: Run, peer: Run) -> str:
    """Rows where guide-rl is wrong, with math-verify's verdict beside them."""
    out = []
    for i, case in enumerate(cases):
        if case.expected is not None and guide.verdicts[i] != case.expected:
            tail = case.response[-120:].replace("\n", " ")
            out.append(f"- [{case.category}{'; ' + case.kind if case.kind else ''}] "
                       f"gold={case.gold!r} expected={case.expected} "
                       f"guide-rl={guide.verdicts[i]} math-verify={peer.verdicts[i]} "
                       f"response=...{tail!r}")
    return "\n".join(out) or "(none)"


# -- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Compare guide-rl's math verifier with math-verify: accuracy per category "
                    "on the labelled corpus, and throughput (answers/s, cache hits excluded) "
                    "and accuracy on the corpus and on a realistic mix, mostly wrong answers: "
                    "real SmolLM2 outputs labelled by hand, plus synthetic pairs (30%% right, "
                    "70%% wrong) built from reference gold answers when the data folder is "
                    "there. Prints markdown tables.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="labelled corpus (JSON lines); default: %(default)s")
    parser.add_argument("--outputs", type=Path, default=DEFAULT_OUTPUTS,
                        help="labelled real model outputs (JSON lines); default: %(default)s")
    parser.add_argument("--data", default=None,
                        help="reference data folder for the synthetic pairs (default: "
                             "$GUIDE_RL_DATA, else ../shared/data next to the repository; "
                             "without it the mix is the real outputs alone)")
    parser.add_argument("--limit", type=int, default=DEFAULT_MIX_LIMIT,
                        help="pairs in the realistic mix: all real outputs, then synthetic "
                             "pairs up to this many (default: %(default)s, a few minutes on 2 "
                             "cores); 0 skips the mix")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed for the synthetic pairs (default: 0)")
    parser.add_argument("--pool-workers", type=int, default=2,
                        help="workers for verifiers.pool.VerifierPool, if it exists; 0 skips it "
                             "(default: %(default)s)")
    parser.add_argument("--show-errors", action="store_true",
                        help="list the corpus and mix rows guide-rl gets wrong")
    return parser.parse_args(argv)


def measure(name: str, cases: Sequence[Case], pool_workers: int, peer: Grader, guide: Grader,
            warm_up_cases: Sequence[Case]) -> Measured:
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
    return Measured(name, list(cases), peer_run, guide_run, pool_run)


def measure_mix(args: argparse.Namespace, peer: Grader, guide: Grader,
                corpus: Sequence[Case]) -> tuple[list[Measured], list[str]]:
    """Build and time the mix (real outputs, synthetic part, both); returns sets and notes."""
    if args.limit <= 0:
        return [], ["mix skipped (--limit 0)"]
    directory = data_dir(args.data)
    if directory is not None and not directory.is_dir():
        directory = None
    outputs = args.outputs if args.outputs.is_file() else None
    real, synthetic, found = build_mix(outputs, directory, args.limit, args.seed)
    notes = [f"real outputs: {len(real)} pairs from {args.outputs.name} (left out: "
             f"{len(load_outputs(outputs)) - len(real)} that repeat a final answer given to "
             "the same gold)" if outputs else f"real outputs: none ({args.outputs} is missing)"]
    notes.append("synthetic pairs from " + ", ".join(f"{k} ({v} golds)" for k, v in found.items())
                 if synthetic else "synthetic pairs: none (no reference data folder, or "
                                   "--limit reached by the real outputs)")
    print("\n## The realistic mix\n")
    print(composition_table(real, synthetic))
    wrong = sum(case.expected is False for case in [*real, *synthetic])
    print(f"\nWrong answers (labelled wrong, no final answer included): {wrong} of "
          f"{len(real) + len(synthetic)} pairs.")
    sets = []
    for name, cases in (("real model outputs", real), ("synthetic (70% wrong)", synthetic)):
        if cases:
            sets.append(measure(name, cases, args.pool_workers, peer, guide, corpus))
    if len(sets) == 2:
        sets.append(sets[0].merged(sets[1], "**realistic mix** (both)"))
    return sets, notes


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
    sets = [measure("corpus (distinct answers)", distinct_answers(corpus), args.pool_workers,
                    peer, guide, corpus)]
    print(f"## Accuracy on {args.corpus.name} ({len(corpus)} rows)\n")
    print(accuracy_table(corpus, corpus_guide, corpus_peer))
    mix_sets, notes = measure_mix(args, peer, guide, corpus)
    sets += mix_sets

    pool_note = ("guide-rl pool: verifiers.pool.VerifierPool(workers="
                 f"{args.pool_workers}), judgement cache off" if sets[0].pool
                 else "guide-rl pool: not measured (no verifiers.pool.VerifierPool or "
                      "--pool-workers 0)")
    print("\n## Throughput (answers per second; ratio = guide-rl / math-verify) and accuracy "
          "against the labels\n")
    print(throughput_table(sets))
    for line in [*notes, *(accepted(m) for m in mix_sets), pool_note,
                 f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"]:
        print(f"- {line}")
    if args.show_errors:
        print("\n## Rows guide-rl gets wrong\n")
        print(disagreements(corpus, corpus_guide, corpus_peer))
        for m in mix_sets[:2]:
            print(disagreements(m.cases, m.guide, m.peer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
