"""Guide against its vanilla counterparts at small scale: (Filter-)GRPO, Guide-GRPO, PPO, Guide-PPO.

Run ``python benchmarks/guide_vs_grpo.py`` (``--help`` for options); on a 2-core CPU the
defaults take about an hour. Every algorithm trains the embedded ``tiny`` setup (the cached
warm-started tiny model on ``rewrite_chain`` level 3, where hints make the difference) with equal
budgets: the same steps, prompts per step, rollouts per prompt, learning rate and completion
length, for each seed. Guide samples a second group for the prompts whose first group failed, so
``GRPO-2G`` (GRPO with groups twice as large) is there to match its sampling budget too. Then
every final model, and the warm-started model they all start from, samples ``--n`` completions
of the same ``--problems`` held-out problems (source seed 1, never trained on), and the script
writes, under ``--output-dir`` (default ``docs/guide_vs_grpo``):

* ``report.md``, ``results.json``, ``problems.jsonl``, ``passk.png`` (from
  :func:`agents.evaluate.write_report`): pass@k of every model and the decomposition of each
  run's gains against the start (self-distillation, capability gain, lost);
* ``summary.md``: pass@1 and pass@k per algorithm as mean and standard deviation over seeds, the
  decomposition counts averaged over seeds, and training statistics (solve rate, guided
  fraction, guided solve rate, importance ratios);
* ``training.png``: the unguided solve rate during training, per algorithm, averaged over seeds.

The write-up of a run, with what it shows and what it does not, is ``docs/guide_vs_grpo.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents import guide_grpo, guide_ppo
from agents.env_client import EnvClient
from agents.evaluate import draw_problems, evaluate_model, load_model, write_report
from agents.passk import mean_pass_at_k
from agents.splits import TINY_ENV_KWARGS

#: Algorithm name -> (command module, its --algo value, multiple of --group-size it samples).
ALGORITHMS: dict[str, tuple[Any, str, int]] = {
    "GRPO": (guide_grpo, "grpo", 1),
    "Filter-GRPO": (guide_grpo, "filter-grpo", 1),
    "Guide-GRPO": (guide_grpo, "guide", 1),
    "PPO": (guide_ppo, "ppo", 1),
    "Guide-PPO": (guide_ppo, "guide", 1),
    # Guide samples a second group for every failed prompt (on this task about 15 rollouts per
    # prompt in all); GRPO with groups twice as large matches that sampling budget.
    "GRPO-2G": (guide_grpo, "grpo", 2),
}
TRAINING_KEYS = ("charts/solve_rate", "charts/reward", "charts/guided_fraction",
                 "charts/guided_solve_rate", "losses/guided_ratio_mean", "losses/gamma")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--algorithms", nargs="+", default=list(ALGORITHMS),
                        choices=list(ALGORITHMS))
    parser.add_argument("--steps", type=int, default=100, help="training steps per run")
    parser.add_argument("--prompts-per-step", type=int, default=16)
    parser.add_argument("--group-size", type=int, default=8,
                        help="rollouts per prompt (GRPO-2G: twice as many)")
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--max-new-tokens", type=int, default=40)
    parser.add_argument("--problems", type=int, default=100, help="held-out problems")
    parser.add_argument("--n", type=int, default=16, help="samples per held-out problem")
    parser.add_argument("--ks", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--output-dir", type=Path, default=Path("docs/guide_vs_grpo"))
    parser.add_argument("--runs-dir", type=Path, default=Path("runs/guide_vs_grpo"),
                        help="where the training runs go (checkpoints, metrics)")
    parser.add_argument("--tiny-warmup-steps", type=int, default=-1,
                        help="the tiny preset's warm-up (-1: its default, cached)")
    args = parser.parse_args(argv)
    if max(args.ks) > args.n:
        parser.error(f"--ks must not exceed --n {args.n}")
    return args


def train(name: str, seed: int, args: argparse.Namespace) -> Path:
    """Train one algorithm for one seed; returns the run directory."""
    module, algo, group_factor = ALGORITHMS[name]
    out = args.runs_dir / f"{name}-s{seed}"
    group_size = group_factor * args.group_size
    argv = ["--algo", algo, "--seed", str(seed), "--steps", str(args.steps),
            "--prompts-per-step", str(args.prompts_per_step),
            "--group-size", str(group_size), "--learning-rate", str(args.learning_rate),
            "--max-new-tokens", str(args.max_new_tokens), "--eval-problems", "0",
            "--checkpoint-interval", "0", "--tiny-warmup-steps", str(args.tiny_warmup_steps),
            "--output-dir", str(out), "--no-progress", "--no-tensorboard"]
    started = time.perf_counter()
    if module.main(argv) != 0:
        raise SystemExit(f"training {name} (seed {seed}) failed")
    print(f"trained {name} seed {seed} in {time.perf_counter() - started:.0f} s", flush=True)
    return out


def training_stats(run: Path) -> dict[str, Any]:
    """Means of the training metrics over the run, and the solve-rate curve."""
    rows = [json.loads(line) for line in (run / "metrics.jsonl").open()]
    rows = [r for r in rows if "charts/solve_rate" in r]
    means = {}
    for key in TRAINING_KEYS:
        values = [r[key] for r in rows if key in r]
        means[key] = statistics.fmean(values) if values else float("nan")
    return {"means": means, "curve": [r["charts/solve_rate"] for r in rows]}


def evaluate_all(runs: dict[str, Path], args: argparse.Namespace) -> dict[str, dict[str, int]]:
    """Held-out correct counts of the start model and of every run's final model."""
    held_out = dict(TINY_ENV_KWARGS, seed=1)
    client = EnvClient("guide/Math-v0", held_out, seed=10_000)
    prompts = draw_problems(client, args.problems)
    results = {}
    for label, spec in {"start": "tiny", **{k: str(v) for k, v in runs.items()}}.items():
        model, tokenizer = load_model(spec, tiny_warmup_steps=args.tiny_warmup_steps,
                                      progress=False)
        results[label] = evaluate_model(model, tokenizer, client, prompts, n=args.n,
                                        max_new_tokens=args.max_new_tokens, seed=0,
                                        progress=False)
        print(f"evaluated {label}: pass@1 {mean_pass_at_k(list(results[label].values()), args.n, 1):.3f}",  # noqa: E501
              flush=True)
    client.close()
    return results


def summarise(results: dict[str, dict[str, int]], stats: dict[str, dict[str, Any]],
              report: dict[str, Any], args: argparse.Namespace) -> str:
    """The per-algorithm table (mean and std over seeds) as markdown."""
    lines = [f"Equal budgets: {args.steps} steps x {args.prompts_per_step} prompts x "
             f"{args.group_size} rollouts (GRPO-2G: {2 * args.group_size}), learning rate "
             f"{args.learning_rate}, seeds {args.seeds}; held-out: {args.problems} problems x "
             f"{args.n} samples.", "",
             "| algorithm | " + " | ".join(f"pass@{k}" for k in args.ks)
             + " | self-distillation | capability gain | lost | train solve rate "
               "| guided fraction | guided solve rate |",
             "|---" * (len(args.ks) + 7) + "|"]
    start = [mean_pass_at_k(list(results["start"].values()), args.n, k) for k in args.ks]
    lines.append("| start (warm-up only) | " + " | ".join(f"{v:.3f}" for v in start)
                 + " | | | | | | |")
    for name in args.algorithms:
        labels = [f"{name}-s{seed}" for seed in args.seeds]
        cells = [_mean_std([mean_pass_at_k(list(results[lab].values()), args.n, k)
                            for lab in labels]) for k in args.ks]
        parts = [_mean_std([report["decompositions"][f"start -> {lab}"]["counts"][cat]
                            for lab in labels], digits=1)
                 for cat in ("self_distillation", "capability_gain", "lost")]
        train = [_mean_std([stats[lab]["means"][key] for lab in labels])
                 for key in ("charts/solve_rate", "charts/guided_fraction",
                             "charts/guided_solve_rate")]
        lines.append(f"| {name} | " + " | ".join(cells + parts + train) + " |")
    return "\n".join(lines) + "\n"


def _mean_std(values: Sequence[float], digits: int = 3) -> str:
    finite = [v for v in values if v == v]
    if not finite:
        return "-"
    spread = statistics.stdev(finite) if len(finite) > 1 else 0.0
    return f"{statistics.fmean(finite):.{digits}f} ± {spread:.{digits}f}"


def plot_training(path: Path, stats: dict[str, dict[str, Any]],
                  args: argparse.Namespace) -> None:
    """Unguided solve rate during training (moving average of 10 steps), per algorithm."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for name in args.algorithms:
        curves = [stats[f"{name}-s{seed}"]["curve"] for seed in args.seeds]
        mean = [statistics.fmean(step) for step in zip(*curves, strict=False)]
        smooth = [statistics.fmean(mean[max(0, i - 9):i + 1]) for i in range(len(mean))]
        ax.plot(range(1, len(smooth) + 1), smooth, label=name)
    ax.set_xlabel("training step")
    ax.set_ylabel("unguided solve rate (10-step mean)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> None:
    """Train everything, evaluate everything, write the reports."""
    args = parse(argv)
    started = time.perf_counter()
    runs = {f"{name}-s{seed}": train(name, seed, args)
            for seed in args.seeds for name in args.algorithms}
    stats = {label: training_stats(run) for label, run in runs.items()}
    results = evaluate_all(runs, args)
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    report = write_report(args.output_dir, results, n=args.n, ks=args.ks,
                          compare=[("start", label) for label in runs], settings=settings)
    summary = summarise(results, stats, report, args)
    (args.output_dir / "summary.md").write_text(summary)
    (args.output_dir / "training.json").write_text(json.dumps(stats, indent=1))
    plot_training(args.output_dir / "training.png", stats, args)
    print("\n" + summary)
    print(f"wrote {args.output_dir} in {(time.perf_counter() - started) / 60:.1f} min",
          file=sys.stderr)


if __name__ == "__main__":
    main()
