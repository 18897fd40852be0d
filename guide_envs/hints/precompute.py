r"""Write the hints of a source's problems to a JSON Lines file, leak-guarded.

Each row holds ``id``, ``domain``, ``prompt``, ``answer``, ``solution``, ``choices`` and
``hint`` (null when the provider had none or the guard rejected it). Run
``python -m guide_envs.hints.precompute --help`` for the options, e.g.::

    python -m guide_envs.hints.precompute --source procedural \
        --source-kwargs '{"families": ["fractions"], "seed": 1}' --limit 1000 \
        --provider teacher --teacher-model Qwen/Qwen2.5-7B-Instruct \
        --base-url http://localhost:8000/v1 --out hints.jsonl

Reading the file back: wrap the same source, so that problems keep their ids and hints are
filled in by id::

    from guide_envs.hints import with_hints
    source = with_hints(make_source("procedural", families=["fractions"], seed=1), "hints.jsonl")

or load the file on its own as a dataset source (its ids become ``"dataset/<id>"``)::

    make_source("dataset", data_files="hints.jsonl", columns={"prompt": "prompt",
                "answer": "answer", "hint": "hint", "id": "id", "solution": "solution"})
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from guide_envs.hints.leak import LeakGuard
from guide_envs.hints.protocol import HintProvider
from guide_envs.hints.providers import FieldHint, SolutionPrefixHint
from guide_envs.hints.teacher import DEFAULT_CACHE_DIR, TeacherHint
from guide_envs.problem import Problem
from guide_envs.sources import make_source

__all__ = ["main", "parse_args"]

_EPILOG = """\
reading the file back:
  from guide_envs.hints import with_hints
  source = with_hints(make_source(SOURCE, **KWARGS), "hints.jsonl")   # same ids, hints filled in
or as a dataset of its own (ids become "dataset/<id>"):
  make_source("dataset", data_files="hints.jsonl", columns={"prompt": "prompt",
              "answer": "answer", "hint": "hint", "id": "id", "solution": "solution"})
"""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, validated."""
    parser = argparse.ArgumentParser(
        prog="python -m guide_envs.hints.precompute", epilog=_EPILOG,
        description="Write leak-guarded hints for a source's problems to a JSON Lines file.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default="procedural",
                        help="a make_source name: procedural, reasoning_gym, dataset or a "
                             "preset such as gsm8k (default: procedural)")
    parser.add_argument("--data-files", nargs="+", help="data files of a dataset source")
    parser.add_argument("--source-kwargs", type=json.loads, default={},
                        help="more make_source arguments as a JSON object")
    parser.add_argument("--provider", choices=("field", "solution", "teacher"), default="field",
                        help="field: the problem's own hint; solution: a prefix of its "
                             "solution; teacher: ask a model (default: field)")
    parser.add_argument("--fraction", type=float, default=0.5,
                        help="share of the solution steps for --provider solution")
    parser.add_argument("--teacher-model", help="model name served at --base-url")
    parser.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. "
                                           "http://localhost:8000/v1")
    parser.add_argument("--api-key", default="EMPTY")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-retries", type=int, default=4)
    parser.add_argument("--cache-dir", default=str(DEFAULT_CACHE_DIR),
                        help="teacher hint cache (default: %(default)s); 'none' turns it off")
    parser.add_argument("--guard", choices=("redact", "reject", "off"), default="redact",
                        help="what to do with a hint that states the answer (default: redact)")
    parser.add_argument("--limit", type=int, help="only the first LIMIT problems")
    parser.add_argument("--out", type=Path, default=Path("hints.jsonl"))
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if not isinstance(args.source_kwargs, dict):
        parser.error(f"--source-kwargs must be a JSON object, got {args.source_kwargs!r}")
    if args.provider == "teacher" and not (args.teacher_model and args.base_url):
        parser.error("--provider teacher needs --teacher-model and --base-url")
    if args.limit is not None and args.limit < 1:
        parser.error(f"--limit must be positive, got {args.limit}")
    return args


def _problems(args: argparse.Namespace) -> list[Problem]:
    kwargs: dict[str, Any] = dict(args.source_kwargs)
    if args.data_files:
        kwargs["data_files"] = args.data_files[0] if len(args.data_files) == 1 \
            else args.data_files
    source = make_source(args.source, **kwargs)
    count = len(source) if args.limit is None else min(args.limit, len(source))
    return [source[i] for i in range(count)]


def _provider(args: argparse.Namespace) -> HintProvider:
    if args.provider == "field":
        return FieldHint()
    if args.provider == "solution":
        return SolutionPrefixHint(args.fraction)
    cache = None if args.cache_dir.lower() == "none" else args.cache_dir
    return TeacherHint(args.teacher_model, args.base_url, args.api_key, cache_dir=cache,
                       concurrency=args.concurrency, max_retries=args.max_retries)


def _raw_hints(provider: HintProvider, problems: list[Problem],
               progress: bool) -> list[str | None]:
    if isinstance(provider, TeacherHint):
        return provider.hint_many(problems, progress=progress)
    return [provider.hint(p) for p in problems]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    from tqdm.auto import tqdm

    args = parse_args(argv)
    problems = _problems(args)
    provider = _provider(args)
    raw = _raw_hints(provider, problems, not args.no_progress)
    guard = None if args.guard == "off" else LeakGuard(args.guard)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with args.out.open("w", encoding="utf-8") as f:
        rows = tqdm(zip(problems, raw, strict=True), total=len(problems), desc="guarding",
                    disable=args.no_progress)
        for problem, hint in rows:
            safe = guard.check(hint, problem) if guard else hint
            written += safe is not None
            f.write(json.dumps(_row(problem, safe), ensure_ascii=False) + "\n")
    print(f"wrote {len(problems)} rows to {args.out}: {written} with a hint, "
          f"{len(problems) - written} without")
    if guard is not None:
        print("leak guard: " + ", ".join(f"{k} {v}" for k, v in guard.stats.as_dict().items()))
    if isinstance(provider, TeacherHint):
        print("teacher: " + ", ".join(f"{k} {v}" for k, v in provider.stats.as_dict().items()))
    return 0


def _row(problem: Problem, hint: str | None) -> dict[str, Any]:
    return {"id": problem.id, "domain": problem.domain, "prompt": problem.prompt,
            "answer": problem.answer, "solution": problem.solution,
            "choices": list(problem.choices), "hint": hint}


if __name__ == "__main__":
    sys.exit(main())
