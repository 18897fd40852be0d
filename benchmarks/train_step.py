"""One GRPO training step of guide-rl next to TRL's ``GRPOTrainer``, on the same everything.

Run ``python benchmarks/train_step.py`` (``--help`` for options). Both train the same model (the
``tiny`` preset's 1M-parameter Qwen2 architecture and character tokenizer, same initial
weights) on the same prompts (``guide/Math-v0``'s ``rewrite_chain`` family, chain template) with
the same group size, completion length, temperature, learning rate and no KL term; rewards come
from the same env verifier (TRL through ``guide_envs.integrations.trl.reward_function``). A step
is everything: sampling the rollouts, grading them, and the policy update. guide-rl runs vanilla
GRPO (``--algo grpo``) so that both do the same work. The first ``--warmup-steps`` steps of each
are not timed. It prints a markdown table of seconds per step and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from typing import Any

import torch

from agents.distributed import Dist
from agents.env_client import EnvClient
from agents.grpo import UpdateConfig, policy_update, with_advantages
from agents.guidance import GuidanceConfig
from agents.rollout import make_engine
from agents.sampling import SamplingConfig, kept_groups, sample_groups
from agents.tiny import tiny_config, tiny_tokenizer

ENV_ID = "guide/Math-v0"
ENV_KWARGS = {"families": ["rewrite_chain"], "difficulty": [2], "template": "chain"}


def fresh_model(seed: int) -> tuple[Any, Any]:
    """The tiny preset's architecture with seeded random weights, and its tokenizer."""
    from transformers import Qwen2ForCausalLM

    tokenizer = tiny_tokenizer()
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(tiny_config(tokenizer))
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model, tokenizer


def guide_rl_steps(args: argparse.Namespace) -> list[float]:
    """Seconds per step of guide-rl's GRPO loop."""
    model, tokenizer = fresh_model(args.seed)
    client = EnvClient(ENV_ID, ENV_KWARGS, seed=args.seed)
    engine = make_engine("hf", model, tokenizer)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)
    sampling = SamplingConfig(args.group_size, args.max_new_tokens, 128, 1.0, 1.0)
    update = UpdateConfig(micro_batch=args.prompts * args.group_size)
    times = []
    for step in range(args.warmup_steps + args.steps):
        started = time.perf_counter()
        groups = sample_groups(client, engine, tokenizer, client.draw(args.prompts), sampling,
                               GuidanceConfig(enabled=False), seed=step)
        policy_update(model, optimizer, scheduler, with_advantages(kept_groups(groups)), update,
                      pad_id=tokenizer.pad_token_id, dist=Dist())
        times.append(time.perf_counter() - started)
    client.close()
    return times[args.warmup_steps:]


def trl_steps(args: argparse.Namespace) -> list[float]:
    """Seconds per step of TRL's GRPOTrainer (timed by a callback around each step)."""
    from transformers import TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    from guide_envs.integrations.trl import dataset, reward_function

    model, tokenizer = fresh_model(args.seed)
    total = args.warmup_steps + args.steps
    train = dataset(ENV_ID, args.prompts * total, seed=args.seed, conversational=False,
                    **ENV_KWARGS)
    reward = reward_function(ENV_ID, **ENV_KWARGS)
    times: list[float] = []

    class Timer(TrainerCallback):
        def on_step_begin(self, *_: Any, **__: Any) -> None:
            self.started = time.perf_counter()

        def on_step_end(self, *_: Any, **__: Any) -> None:
            times.append(time.perf_counter() - self.started)

    with tempfile.TemporaryDirectory() as out:
        config = GRPOConfig(
            output_dir=out, max_steps=total, per_device_train_batch_size=args.prompts *
            args.group_size, num_generations=args.group_size,
            max_completion_length=args.max_new_tokens, temperature=1.0,
            learning_rate=args.learning_rate, beta=0.0, use_cpu=True, report_to=[],
            logging_steps=1, save_strategy="no", bf16=False, seed=args.seed,
            dataloader_num_workers=0, lr_scheduler_type="constant", weight_decay=0.0)
        trainer = GRPOTrainer(model=model, processing_class=tokenizer, reward_funcs=[reward],
                              args=config, train_dataset=train, callbacks=[Timer()])
        trainer.train()
    reward.close()
    return times[args.warmup_steps:]


def main(argv: Sequence[str] | None = None) -> None:
    """Print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompts", type=int, default=16, help="prompts per step")
    parser.add_argument("--group-size", type=int, default=8, help="rollouts per prompt")
    parser.add_argument("--max-new-tokens", type=int, default=40, help="completion length")
    parser.add_argument("--steps", type=int, default=5, help="timed steps")
    parser.add_argument("--warmup-steps", type=int, default=1, help="untimed first steps")
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="torch threads for both")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    ours = guide_rl_steps(args)
    theirs = trl_steps(args)
    print(f"\nOne GRPO step: {args.prompts} prompts x {args.group_size} rollouts, up to "
          f"{args.max_new_tokens} new tokens, tiny preset model, {args.threads} threads, "
          f"median of {args.steps} steps\n")
    print("| | seconds per step | ratio (TRL / guide-rl) |")
    print("|---|---:|---:|")
    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    print(f"| TRL GRPOTrainer | {theirs_s:.2f} | 1.00 |")
    print(f"| guide-rl | {ours_s:.2f} | {theirs_s / ours_s:.2f} |")


if __name__ == "__main__":
    main()
