"""Sample SmolLM2-135M-Instruct on Minerva-math problems, for the realistic mix of verify_math.py.

Run ``python benchmarks/sample_outputs.py`` (``--help`` for options); on 2 CPU cores the
defaults (32 problems x 4 samples, 256 new tokens) take about 15 minutes. It uses guide-rl's own
evaluation API: ``guide/Math-v0`` with the ``minerva`` dataset preset, ``load_model("smollm2")``
and ``evaluate_model``, which logs every completion through ``SampleLog``.

It writes two files:

* ``--log``: the raw sample log (one record per completion, with the environment's grade);
* ``--rows``: one fixture row per completion, in the layout of
  ``benchmarks/data/smollm2_outputs.jsonl`` (``source``, ``problem_id``, ``gold``, ``response``,
  ``expected``), with ``expected`` left ``null``. The label is set afterwards by a person who
  reads the response and the gold (never from a verifier's verdict, which is what the
  benchmark measures); then the rows are appended to the fixture.

The gold is the content of the last ``\\boxed{...}`` of the record's ``solution``, the same
reading as the ``minerva`` preset and as ``verify_math.py``'s mix.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "minerva_math.jsonl"
SOURCE = "smollm2/minerva"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Sample SmolLM2-135M-Instruct on Minerva-math problems with guide-rl's "
                    "evaluate_model and write unlabelled fixture rows for "
                    "benchmarks/verify_math.py.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="minerva_math.jsonl (default: %(default)s)")
    parser.add_argument("--problems", type=int, default=32,
                        help="problems to draw (default: %(default)s)")
    parser.add_argument("--samples", type=int, default=4,
                        help="samples per problem (default: %(default)s)")
    parser.add_argument("--temperature", type=float, default=0.7,
                        help="sampling temperature (default: %(default)s)")
    parser.add_argument("--max-new-tokens", type=int, default=256,
                        help="new tokens per sample (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed for drawing problems and sampling (default: %(default)s)")
    parser.add_argument("--log", type=Path, default=Path("minerva-samples.jsonl"),
                        help="raw sample log to write (default: %(default)s)")
    parser.add_argument("--rows", type=Path, default=Path("minerva-rows.jsonl"),
                        help="unlabelled fixture rows to write (default: %(default)s)")
    return parser.parse_args(argv)


def golds_by_id(path: Path) -> dict[str, str]:
    """``"minerva/<idx>"`` -> the last ``\\boxed{}`` of that record's solution."""
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from verify_math import last_boxed  # the benchmark's own reading of the gold

    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                out[f"minerva/{row['idx']}"] = last_boxed(row["solution"]) or ""
    return out


def sample(args: argparse.Namespace) -> None:
    """Draw the problems and write the sample log with ``evaluate_model``."""
    sys.path.insert(0, str(REPO_ROOT))
    from agents.env_client import EnvClient
    from agents.evaluate import draw_problems, evaluate_model, load_model
    from agents.samples import SampleLog

    args.log.unlink(missing_ok=True)  # SampleLog appends
    client = EnvClient("guide/Math-v0", {"source": "minerva", "data_files": str(args.data)},
                       seed=args.seed)
    try:
        prompts = draw_problems(client, args.problems)
        model, tokenizer = load_model("smollm2", progress=False)
        evaluate_model(model, tokenizer, client, prompts, n=args.samples,
                       temperature=args.temperature, max_new_tokens=args.max_new_tokens,
                       seed=args.seed, samples=SampleLog(args.log), progress=False,
                       desc="smollm2")
    finally:
        client.close()


def write_rows(log: Path, rows: Path, golds: dict[str, str]) -> int:
    """Turn the sample log into fixture rows with ``expected`` unset; returns how many."""
    out: list[dict[str, Any]] = []
    with log.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                out.append({"source": SOURCE, "problem_id": record["problem_id"],
                            "gold": golds[record["problem_id"]],
                            "response": record["completion"], "expected": None})
    with rows.open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in out)
    return len(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Sample, then write the unlabelled rows."""
    args = parse_args(argv)
    if not args.data.is_file():
        print(f"no such file: {args.data} (give --data)", file=sys.stderr)
        return 2
    sample(args)
    count = write_rows(args.log, args.rows, golds_by_id(args.data))
    print(f"{count} completions: log {args.log}, unlabelled rows {args.rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
