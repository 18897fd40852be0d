"""``python -m agents.evaluate``: pass@k of a model, and where a trained model's gains come from.

Samples ``--n`` completions of each held-out problem, grades them with the env, and reports
pass@k for every ``--k`` (the unbiased estimator, :mod:`agents.passk`). With ``--before`` (the
model before training, or an earlier checkpoint) it evaluates both on the same problems with the
same sampling seeds and splits the change as Nath et al. (2025) do: newly solved problems that
were already solvable at pass@k before (self-distillation), newly solved ones that were not
(capability gain), and lost ones. Writes ``problems.jsonl``, ``results.json``, ``report.md`` and
``passk.png`` to ``--output-dir``.

From Python: :func:`load_model` and :func:`evaluate_model` give per-problem correct counts,
:func:`write_report` turns counts of any number of models into the same four files.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import torch
from tqdm import tqdm

from agents.checkpoint import is_checkpoint, read_weights
from agents.cli import run_command
from agents.env_client import EnvClient, Prompt
from agents.errors import UsageError, user_input
from agents.models import POLICY_NAMES, load_policy
from agents.passk import Decomposition, decompose, mean_pass_at_k, pass_at_k
from agents.rollout import make_engine
from agents.samples import SampleLog, eval_records
from agents.sampling import graded_samples
from agents.splits import held_out_plan
from agents.tiny import WarmupConfig
from agents.trainer import BaseArgs, held_out_seed, quiet_libraries, seed_everything

__all__ = ["Args", "draw_problems", "evaluate_model", "load_model", "main",
           "parse_ks", "report", "resolve_model", "write_report"]

@dataclass
class Args(BaseArgs):
    """Evaluate pass@k of a model on held-out problems; with --before, decompose the gains.

    Example: python -m agents.evaluate --model runs/guide_grpo --before tiny
    """

    env_kwargs: str = ""
    """The training env's keyword arguments as JSON, as given to agents.guide_grpo (default:
    the tiny task for guide/Math-v0); problems come from its held-out env (source seed + 1 for
    procedural sources, else the --eval-split of its problems held out by id)."""
    eval_env_kwargs: str = ""
    """Keyword arguments of the env to evaluate on (default: the held-out env derived from
    --env-kwargs, as agents.guide_grpo derives it)."""
    eval_split: float = 0.1
    """The held-out share of a dataset split by problem id, as given to agents.guide_grpo."""
    model: str = "tiny"
    """The model to evaluate: 'tiny', 'smollm2', a Hugging Face model folder or Hub id, a
    training run directory (its final_model/ is used) or a checkpoint (checkpoints/step_*/)."""
    temperature: float = 1.0
    """Sampling temperature (0: greedy, then --n must be 1)."""
    seed: int = 0
    """Seed of problems and sampling (both models get the same sampling seeds)."""
    output_dir: str = "runs/evaluate"
    """Where problems.jsonl, results.json, report.md, passk.png and samples.jsonl (every
    completion, graded) go."""
    before: str = ""
    """The model before training, in any form --model takes; when given, both are evaluated and
    the change is decomposed (default: none)."""
    problems: int = 100
    """Held-out problems (with --seed, the ones a guide_grpo run with that seed evaluates)."""
    n: int = 16
    """Samples per problem."""
    k: str = "1,2,4,8,16"
    """The k values of pass@k, comma-separated, each at most --n."""
    solvable_k: int = 0
    """The k of "solvable at pass@k before" in the decomposition (0: --n, i.e. any sample of the
    --n correct)."""
    threshold: float = 0.5
    """A problem counts as solved at pass@1 when at least this share of its samples is correct
    (and solvable at pass@k when its estimated pass@k is at least this)."""
    batch_problems: int = 8
    """Problems per generation batch (times --n sequences per engine call)."""
    plot: bool = True
    """Draw passk.png (needs matplotlib)."""

    def validate(self) -> Args:
        """Raise :class:`~agents.errors.UsageError` naming the first bad option; return self."""
        super().validate()
        checks = [
            (self.n >= 1, f"--n must be at least 1, got {self.n}"),
            (self.problems >= 1, f"--problems must be at least 1, got {self.problems}"),
            (self.temperature >= 0, f"--temperature must be >= 0, got {self.temperature}"),
            (self.temperature > 0 or self.n == 1, f"--temperature 0 decodes greedily, so every "
                                                  f"sample is the same: use --n 1, not {self.n}"),
            (self.batch_problems >= 1, f"--batch-problems must be >= 1, got "
                                       f"{self.batch_problems}"),
            (0 <= self.solvable_k <= self.n, f"--solvable-k must be in [0, --n={self.n}], got "
                                             f"{self.solvable_k}"),
            (0 < self.threshold <= 1, f"--threshold must be in (0, 1], got {self.threshold}"),
        ]
        for ok, message in checks:
            if not ok:
                raise UsageError(message)
        parse_ks(self.k, self.n)
        return self


def parse_ks(text: str, n: int) -> list[int]:
    """The sorted, distinct k values of ``--k``; a :class:`~agents.errors.UsageError` if bad.

    >>> parse_ks("4, 1,2,4", n=4)
    [1, 2, 4]
    >>> parse_ks("1,32", n=16)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    agents.errors.UsageError: --k: 32 is more than --n (16); pass@k needs at least k samples ...
    """
    try:
        ks = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise UsageError(f"--k must be comma-separated integers, got {text!r}") from None
    if not ks:
        raise UsageError(f"--k names no k value: {text!r}")
    for k in ks:
        if k < 1:
            raise UsageError(f"--k: {k} is not a positive integer")
        if k > n:
            raise UsageError(f"--k: {k} is more than --n ({n}); pass@k needs at least k samples "
                             "per problem")
    return ks


def _is_model_folder(path: Path) -> bool:
    """A Hugging Face model folder, or a LoRA adapter folder (what a --lora-r run saves)."""
    return (path / "config.json").is_file() or (path / _ADAPTER_CONFIG).is_file()


_ADAPTER_CONFIG = "adapter_config.json"


def resolve_model(spec: str) -> tuple[str, Path | None]:
    """What to load for ``spec``: a name or model folder, and a checkpoint state dict or None.

    A run directory (with ``final_model/``) means its final model; a checkpoint (a
    ``checkpoints/step_*`` folder) means the run's ``final_model/`` architecture and tokenizer
    with the checkpoint's weights.
    """
    if spec in POLICY_NAMES:
        return spec, None
    path = Path(spec).expanduser()
    if not path.exists():
        if spec.startswith(("/", ".", "~")) or spec.count("/") > 1:
            raise FileNotFoundError(f"no model at {spec!r}: pass one of {POLICY_NAMES}, a model "
                                    "folder, a run directory, a checkpoint or a Hub id")
        return spec, None  # a Hub id
    if _is_model_folder(path):
        return str(path), None
    if (path / "final_model").is_dir():
        return str(path / "final_model"), None
    if is_checkpoint(path):
        base = path.parent.parent / "final_model"
        if not _is_model_folder(base):
            raise FileNotFoundError(f"checkpoint {spec!r}: its run has no {base} to take the "
                                    "architecture and tokenizer from")
        return str(base), path
    raise ValueError(f"{spec!r} is neither a model folder (config.json), a run directory "
                     "(final_model/) nor a checkpoint (checkpoints/step_*/)")


def load_model(spec: str, *, dtype: str = "float32", device: str = "cpu",
               tiny_warmup_steps: int = -1, progress: bool = True) -> tuple[Any, Any]:
    """The model and tokenizer ``spec`` names (see :func:`resolve_model`), in eval mode.

    A LoRA adapter folder is loaded onto its base model (``base_model_name_or_path``) and
    merged into it, so that any rollout engine samples from plain weights.
    """
    name, checkpoint = resolve_model(spec)
    adapter = Path(name) / _ADAPTER_CONFIG
    base = name
    if adapter.is_file():
        base = json.loads(adapter.read_text())["base_model_name_or_path"]
    warmup = (WarmupConfig(steps=tiny_warmup_steps)
              if base == "tiny" and tiny_warmup_steps >= 0 else None)
    model, tokenizer = load_policy(base, dtype=dtype, device=device, warmup=warmup,
                                   progress=progress)
    if adapter.is_file():
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, name)
    if checkpoint is not None:
        weights = _policy_weights(read_weights(checkpoint))
        try:
            model.load_state_dict(weights)
        except RuntimeError as exc:
            first = str(exc).splitlines()[0]
            raise ValueError(f"checkpoint {str(checkpoint)!r} does not fit {name}: {first}"
                             ) from None
    if adapter.is_file():
        model = model.merge_and_unload().eval()
    return model, tokenizer


def _policy_weights(weights: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The policy's part of a checkpoint's weights (Guide-PPO's hold the critic's too)."""
    if any(key.startswith("policy.") for key in weights):
        return {key.removeprefix("policy."): value for key, value in weights.items()
                if key.startswith("policy.")}
    return weights


def draw_problems(client: EnvClient, count: int) -> list[Prompt]:
    """The next ``count`` distinct problems of ``client`` (``ValueError`` if it has fewer)."""
    try:
        return client.draw_distinct(count)
    except ValueError as exc:
        raise ValueError(f"{exc} (--problems)") from None


def evaluate_model(model: Any, tokenizer: Any, client: EnvClient, prompts: Sequence[Prompt], *,
                   n: int = 16, temperature: float = 1.0, max_new_tokens: int = 40,
                   max_prompt_tokens: int | None = 512, seed: int = 0,
                   engine: Literal["hf", "vllm"] = "hf",
                   batch_problems: int = 8, progress: bool = True,
                   desc: str = "evaluate", samples: SampleLog | None = None) -> dict[str, int]:
    """Problem id -> how many of ``n`` samples ``client`` grades correct.

    Batch ``b`` samples with seed ``seed + b``, so two models evaluated with the same arguments
    see the same random numbers. ``engine="vllm"`` serves ``model``'s checkpoint and then loads
    its current weights. Every graded completion goes to ``samples`` (``model`` = ``desc``).
    """
    options = {"batch_size": batch_problems * n} if engine == "hf" else {}
    sampler = make_engine(engine, model, tokenizer, **options)
    if engine != "hf":
        sampler.load_weights(model)
    counts: dict[str, int] = {}
    try:
        with tqdm(total=len(prompts), desc=desc, unit="problem", disable=not progress,
                  dynamic_ncols=True) as bar:
            for b, start in enumerate(range(0, len(prompts), batch_problems)):
                batch = list(prompts[start:start + batch_problems])
                texts, grades = graded_samples(client, sampler, tokenizer, batch, n=n,
                                               temperature=temperature,
                                               max_new_tokens=max_new_tokens,
                                               max_prompt_tokens=max_prompt_tokens, seed=seed + b)
                if samples is not None:
                    samples.write(0, "eval", eval_records(batch, texts, grades, n, model=desc))
                counts.update((p.problem_id, sum(g.correct for g in grades[i * n:(i + 1) * n]))
                              for i, p in enumerate(batch))
                bar.update(len(batch))
    finally:
        sampler.close()
    return counts


def _table(labels: Sequence[str], results: Mapping[str, Mapping[str, int]], n: int,
           ks: Sequence[int]) -> dict[str, dict[str, float]]:
    return {label: {f"pass@{k}": mean_pass_at_k(list(results[label].values()), n, k)
                    for k in ks} for label in labels}


def write_report(output_dir: str | Path, results: Mapping[str, Mapping[str, int]], *, n: int,
                 ks: Sequence[int], compare: Sequence[tuple[str, str]] = (),
                 solvable_k: int | None = None, threshold: float = 0.5,
                 settings: Mapping[str, Any] | None = None, plot: bool = True,
                 examples: int = 5) -> dict[str, Any]:
    """Write ``problems.jsonl``, ``results.json``, ``report.md`` and (``plot``) ``passk.png``.

    Args:
        output_dir: Created when missing.
        results: Model label -> problem id -> correct count of ``n`` (labels in table order).
        n: Samples per problem.
        ks: The k values of pass@k.
        compare: (before label, after label) pairs to decompose (:func:`agents.passk.decompose`).
        solvable_k: The k of "solvable at pass@k before" (default ``n``).
        threshold: The solved-at-pass@1 (and solvable-at-pass@k) threshold.
        settings: Recorded as they are in ``results.json`` and the report.
        plot: Draw ``passk.png``; needs matplotlib.
        examples: Problem ids listed per decomposition category in the report.

    Returns:
        The content of ``results.json``.
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    labels = list(results)
    table = _table(labels, results, n, ks)
    decompositions = {f"{before} -> {after}": decompose(results[before], results[after], n,
                                                        solvable_k, threshold=threshold)
                      for before, after in compare}
    with (out / "problems.jsonl").open("w") as f:
        for label in labels:
            for pid, c in results[label].items():
                row = {"model": label, "problem_id": pid, "n": n, "correct": c,
                       **{f"pass@{k}": pass_at_k(n, c, k) for k in ks}}
                f.write(json.dumps(row) + "\n")
    paths = {name: str(out / name) for name in ("problems.jsonl", "results.json", "report.md")}
    if plot:
        _plot(out / "passk.png", table, ks)
        paths["passk.png"] = str(out / "passk.png")
    summary = {"settings": dict(settings or {}), "n": n, "ks": list(ks), "pass@k": table,
               "problems": {label: len(results[label]) for label in labels},
               "decompositions": {name: _decomposition_json(d)
                                  for name, d in decompositions.items()},
               "paths": paths}
    (out / "results.json").write_text(json.dumps(summary, indent=1))
    (out / "report.md").write_text(_markdown(table, ks, n, decompositions, settings, examples,
                                             plot, {label: len(results[label])
                                                    for label in labels}))
    return summary


def _decomposition_json(d: Decomposition) -> dict[str, Any]:
    return {"n": d.n, "k": d.k, "threshold": d.threshold, "counts": d.counts(),
            "fractions": d.fractions(),
            "ids": {name: list(getattr(d, name)) for name in Decomposition.CATEGORIES}}


#: Settings that do not change the numbers, left out of the report (kept in results.json).
_UNSHOWN = ("output_dir", "plot", "progress", "device")

_EXPLAINED = {
    "self_distillation": "newly solved at pass@1; already solvable at pass@{k} before",
    "capability_gain": "newly solved at pass@1; not solvable at pass@{k} before",
    "lost": "solved at pass@1 before, not after",
    "retained": "solved at pass@1 before and after",
    "unsolved": "solved at pass@1 neither before nor after",
}


def _markdown(table: Mapping[str, Mapping[str, float]], ks: Sequence[int], n: int,
              decompositions: Mapping[str, Decomposition], settings: Mapping[str, Any] | None,
              examples: int, plot: bool, sizes: Mapping[str, int]) -> str:
    lines = ["# pass@k evaluation", ""]
    shown = {k: v for k, v in (settings or {}).items() if v != "" and k not in _UNSHOWN}
    if shown:
        lines += [", ".join(f"`{k}={v}`" for k, v in shown.items()), ""]
    lines += [f"pass@k: the unbiased estimator from n = {n} samples per problem, averaged over "
              "problems.", "",
              "| model | problems | " + " | ".join(f"pass@{k}" for k in ks) + " |",
              "|---|---:|" + "---:|" * len(ks)]
    for label, row in table.items():
        lines.append(f"| {label} | {sizes[label]} | "
                     + " | ".join(f"{row[f'pass@{k}']:.3f}" for k in ks) + " |")
    if plot:
        lines += ["", "![pass@k](passk.png)"]
    for name, d in decompositions.items():
        lines += ["", f"## Where the change comes from: {name}", "",
                  f"Solved at pass@1: at least {d.threshold:g} of the {d.n} samples correct. "
                  f"Solvable at pass@{d.k} before: estimated pass@{d.k} of the model before at "
                  f"least {d.threshold:g}"
                  + (" (some sample correct)." if d.k == d.n else "."), "",
                  "| category | meaning | problems | share | examples |",
                  "|---|---|---:|---:|---|"]
        counts, fractions = d.counts(), d.fractions()
        for category in Decomposition.CATEGORIES:
            ids = getattr(d, category)[:examples]
            lines.append(f"| {category.replace('_', '-')} | {_EXPLAINED[category].format(k=d.k)}"
                         f" | {counts[category]} | {fractions[category]:.1%} | "
                         + ", ".join(f"`{i}`" for i in ids) + " |")
        newly = d.newly_solved()
        if newly:
            lines += ["", f"Of the {newly} newly solved problems, "
                          f"{len(d.self_distillation) / newly:.0%} were self-distillation "
                          f"(pass@{d.k} compressed into pass@1); {len(d.lost)} were lost."]
    return "\n".join(lines) + "\n"


def _pyplot() -> Any:
    """``matplotlib.pyplot`` on the Agg backend (no display needed), or a clear ImportError."""
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError("passk.png needs matplotlib: pip install matplotlib (or pass "
                          "--no-plot)") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _plot(path: Path, table: Mapping[str, Mapping[str, float]], ks: Sequence[int]) -> None:
    """pass@k against k (log-scale axis), one line per model."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for label, row in table.items():
        ax.plot(ks, [row[f"pass@{k}"] for k in ks], marker="o", label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks(list(ks), [str(k) for k in ks])
    ax.minorticks_off()
    ax.set_ylim(0, 1)
    ax.set_xlabel("k")
    ax.set_ylabel("pass@k")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def report(args: Args) -> dict[str, Any]:
    """Run the command; returns the content of ``results.json``."""
    with user_input():  # everything the options name is checked before any sampling
        ks = parse_ks(args.validate().k, args.n)
        for spec in filter(None, (args.before, args.model)):
            resolve_model(spec)
        if args.plot:
            _pyplot()
        plan = held_out_plan(args.env, args.env_kwargs, args.eval_env_kwargs, model="tiny",
                             eval_split=args.eval_split)
        client = EnvClient(args.env, plan.eval_kwargs, seed=held_out_seed(args.seed),
                           keep=plan.eval_filter())
    quiet_libraries()
    seed_everything(args.seed)
    device = args.device if args.device != "auto" else (
        "cuda" if torch.cuda.is_available() else "cpu")
    samples = SampleLog(Path(args.output_dir) / "samples.jsonl")
    samples.path.unlink(missing_ok=True)  # this evaluation's completions only
    try:
        with user_input():
            prompts = draw_problems(client, args.problems)
        roles = {"before": args.before, "after": args.model} if args.before else {
            "model": args.model}
        results: dict[str, dict[str, int]] = {}
        for role, spec in roles.items():
            with user_input():
                model, tokenizer = load_model(spec, dtype=args.dtype, device=device,
                                              tiny_warmup_steps=args.tiny_warmup_steps,
                                              progress=args.progress)
            label = f"{role}: {spec}" if args.before else spec
            results[label] = evaluate_model(
                model, tokenizer, client, prompts, n=args.n, temperature=args.temperature,
                max_new_tokens=args.max_new_tokens, max_prompt_tokens=args.max_prompt_tokens,
                seed=args.seed, engine=args.engine, batch_problems=args.batch_problems,
                progress=args.progress, desc=label, samples=samples)
            del model
            if device.startswith("cuda"):
                torch.cuda.empty_cache()  # room for the next model
    finally:
        client.close()
    labels = list(results)
    settings = {**asdict(args), "held_out_env_kwargs": json.dumps(plan.eval_kwargs),
                "held_out_split": plan.split}
    summary = write_report(args.output_dir, results, n=args.n, ks=ks,
                           compare=[(labels[0], labels[1])] if args.before else [],
                           solvable_k=args.solvable_k or args.n, threshold=args.threshold,
                           settings=settings, plot=args.plot)
    _print_summary(summary)
    return summary


def _print_summary(summary: Mapping[str, Any]) -> None:
    for label, row in summary["pass@k"].items():
        print(f"{label}: " + "  ".join(f"{key} {value:.3f}" for key, value in row.items()))
    for name, d in summary["decompositions"].items():
        print(f"{name}: " + ", ".join(f"{key.replace('_', '-')} {value}"
                                      for key, value in d["counts"].items()))
    print(f"report: {summary['paths']['report.md']}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (2 for bad options or input)."""
    return run_command(Args, report, argv, prog="python -m agents.evaluate")


if __name__ == "__main__":
    sys.exit(main())
