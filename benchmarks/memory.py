"""Per-rank memory of a Guide-GRPO update under ``--shard none`` and ``--shard fsdp``, measured.

Run ``python benchmarks/memory.py`` (``--help`` for options). For each number of CPU ranks
(``--ranks``, default 1 2 4) and each strategy (``--shards``, default none fsdp) the script
re-invokes itself under ``python -m torch.distributed.run`` (gloo, ``OMP_NUM_THREADS=1`` and one
torch thread per rank, a hard ``--timeout`` per configuration). Every rank builds the same
Qwen2-style model from a ``Qwen2Config`` (random init from ``--seed``, float32, no download;
the default is about 82M parameters, 330 MB), prepares it with
:func:`agents.sharding.prepare`, makes an AdamW optimizer over it, and takes
``--warmup-steps`` untimed and ``--steps`` timed updates with :func:`agents.grpo.policy_update`
on its shard of a fixed global batch of synthetic trajectories (random token ids; half the
groups guided, with a longer sampling context; fixed rewards, so advantages are non-zero).

After the last update each rank measures what is alive on it: the bytes of the local storage
of every parameter, every ``.grad`` and every optimizer state tensor (``DTensor.to_local()``
for sharded ones; storages shared by several tensors, such as FSDP2's reduce-scatter buffer
that the gradients of one unit are views into, are counted once), its peak RSS
(``resource.getrusage``, which includes the whole model every rank builds before it is
sharded, as the trainer does), and the mean wall time of its timed updates. The ranks run with
``MALLOC_MMAP_THRESHOLD_=65536`` (``--mmap-threshold``): with glibc's adaptive default, blocks
that an update frees (FSDP2's gathered layers, the optimizer's temporaries) stay in the process,
and peak RSS is about the same on 1, 2 and 4 ranks whatever the strategy, although the live
tensors shrink (below). The table gives the largest value over the ranks of a configuration and
the ratio to the 1-rank row of the same strategy. One rank leaves the model as it is, so both
1-rank rows are the same set-up.

Not included: the trainer keeps one more full copy of the weights on every rank of a
multi-rank run for rollouts (``agents.sharding.unsharded_copy``), and a real run's activations
grow with ``--micro-batch`` and sequence length.

Measured on this repository's 2-core x86 CPU machine (gloo, torch 2.13 CPU, 2026-12-03, with
other work running beside it, so step times are noisy; 4 ranks on 2 cores run two ranks per
core), with the defaults (81.2M parameters; about 6 minutes)::

    | ranks | shard | params MB | grads MB | optimizer MB | total MB | peak RSS MB | step s |
    |---:|---|---:|---:|---:|---:|---:|---:|
    | 1 | none | 325 | 325 | 650 | 1300 | 1885 | 7.87 |
    | 2 | none | 325 | 325 | 650 | 1300 | 2013 | 11.20 |
    | 4 | none | 325 | 325 | 650 | 1300 | 1940 | 19.27 |
    | 1 | fsdp | 325 | 325 | 650 | 1300 | 1884 | 6.90 |
    | 2 | fsdp | 162 | 162 | 325 | 650 | 1412 | 10.06 |
    | 4 | fsdp | 81 | 81 | 162 | 325 | 1112 | 14.57 |

With ``--shards fsdp --mmap-threshold 0`` (glibc's default) the same live tensors gave a peak
RSS of 2188, 2438 and 2220 MB on 1, 2 and 4 ranks.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MB = 1e6


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 4],
                   help="numbers of CPU ranks to run")
    p.add_argument("--shards", nargs="+", choices=["none", "fsdp"], default=["none", "fsdp"],
                   help="--shard strategies to run")
    p.add_argument("--hidden-size", type=int, default=768, help="model width")
    p.add_argument("--layers", type=int, default=8, help="decoder layers")
    p.add_argument("--intermediate-size", type=int, default=2048, help="MLP width")
    p.add_argument("--heads", type=int, default=12, help="attention heads (and KV heads)")
    p.add_argument("--vocab", type=int, default=32000, help="vocabulary size (tied embeddings)")
    p.add_argument("--sequences", type=int, default=8,
                   help="sequences in the global batch of a step (split over the ranks)")
    p.add_argument("--prompt-tokens", type=int, default=32, help="hint-free prompt length")
    p.add_argument("--completion-tokens", type=int, default=32, help="completion length")
    p.add_argument("--hint-tokens", type=int, default=16,
                   help="extra context tokens of guided trajectories (the hint)")
    p.add_argument("--group-size", type=int, default=4, help="trajectories per group")
    p.add_argument("--micro-batch", type=int, default=8, help="sequences per forward pass")
    p.add_argument("--steps", type=int, default=2, help="timed updates")
    p.add_argument("--warmup-steps", type=int, default=1, help="untimed updates first")
    p.add_argument("--seed", type=int, default=0, help="seed of the model and the batch")
    p.add_argument("--mmap-threshold", type=int, default=65536,
                   help="MALLOC_MMAP_THRESHOLD_ of the ranks, in bytes: glibc then returns every "
                        "freed block above it to the system at once, so peak RSS reflects what "
                        "is alive; 0 leaves glibc's adaptive default, under which freed "
                        "memory stays in the process and RSS barely falls with sharding")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds one configuration may run before it is killed")
    p.add_argument("--worker", metavar="OUT", help=argparse.SUPPRESS)
    p.add_argument("--shard", choices=["none", "fsdp"], default="none", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if min(args.ranks) < 1 or args.steps < 1:
        p.error("--ranks and --steps must be at least 1")
    if args.vocab < 3:
        p.error("--vocab must be at least 3 (ids 0 and 1 are the pad and EOS tokens)")
    if args.sequences % args.group_size:
        p.error("--sequences must be a multiple of --group-size")
    return args


# --------------------------------------------------------------------------- one rank


def build_model(args: argparse.Namespace) -> Any:
    """The Qwen2-style model, random weights from ``--seed`` (the same on every rank)."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(args.seed)
    config = Qwen2Config(vocab_size=args.vocab, hidden_size=args.hidden_size,
                         intermediate_size=args.intermediate_size,
                         num_hidden_layers=args.layers, num_attention_heads=args.heads,
                         num_key_value_heads=args.heads, max_position_embeddings=1024,
                         tie_word_embeddings=True, pad_token_id=0, eos_token_id=1)
    return Qwen2ForCausalLM(config)


def synthetic_trajectories(args: argparse.Namespace) -> list[Any]:
    """The global batch: random token ids, every other group guided, fixed rewards."""
    from agents.batch import Group, Trajectory
    from agents.grpo import with_advantages

    rng = random.Random(args.seed)
    base = -math.log(args.vocab)  # a random model's log-prob, about

    def ids(n: int) -> tuple[int, ...]:
        return tuple(rng.randrange(2, args.vocab) for _ in range(n))

    groups = []
    for g in range(args.sequences // args.group_size):
        guided = g % 2 == 1
        prompt = ids(args.prompt_tokens)
        context = prompt + ids(args.hint_tokens) if guided else prompt
        trajs = []
        for i in range(args.group_size):
            completion = ids(args.completion_tokens)
            logprobs = tuple(base + rng.uniform(-0.5, 0.5) for _ in completion)
            reward = float(i % 2)
            trajs.append(Trajectory(f"p{g}", prompt, context, completion, logprobs, reward,
                                    bool(reward), guided, True))
        groups.append(Group(f"p{g}", trajs))
    return with_advantages(groups)


def live_bytes(tensors: Any) -> int:
    """Bytes of the local storages under ``tensors`` (DTensors' local shards), each once."""
    from torch.distributed.tensor import DTensor

    seen: dict[int, int] = {}
    for t in tensors:
        local = t.to_local() if isinstance(t, DTensor) else t
        storage = local.untyped_storage()
        seen[storage.data_ptr()] = storage.nbytes()
    return sum(seen.values())


def worker(args: argparse.Namespace) -> None:
    """One rank: build, prepare, update, measure; write ``OUT/rank<r>.json``."""
    import torch

    from agents.distributed import init_distributed
    from agents.grpo import UpdateConfig, policy_update
    from agents.sharding import ShardConfig, prepare

    torch.set_num_threads(1)
    dist = init_distributed("cpu")
    model = build_model(args)
    n_params = sum(p.numel() for p in model.parameters())
    prepare(model, dist, ShardConfig(args.shard).validate())
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-5, weight_decay=0.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)
    mine = dist.shard(synthetic_trajectories(args))
    settings = UpdateConfig(micro_batch=args.micro_batch).validate()
    times = []
    for step in range(args.warmup_steps + args.steps):
        started = time.perf_counter()
        policy_update(model, optimizer, scheduler, mine, settings, pad_id=0, dist=dist)
        if step >= args.warmup_steps:
            times.append(time.perf_counter() - started)
    state = [v for s in optimizer.state.values() for v in s.values() if torch.is_tensor(v)]
    result = {
        "rank": dist.rank, "world": dist.world, "shard": args.shard, "n_params": n_params,
        "params": live_bytes(model.parameters()),
        "grads": live_bytes(p.grad for p in model.parameters() if p.grad is not None),
        "optimizer": live_bytes(state),
        "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # KiB on Linux
        "step_s": sum(times) / len(times) if times else float("nan"),
    }
    Path(args.worker, f"rank{dist.rank}.json").write_text(json.dumps(result))
    dist.close()


# --------------------------------------------------------------------------- the driver


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _worker_argv(args: argparse.Namespace, out: Path, shard: str) -> list[str]:
    keep = ["hidden_size", "layers", "intermediate_size", "heads", "vocab", "sequences",
            "prompt_tokens", "completion_tokens", "hint_tokens", "group_size", "micro_batch",
            "steps", "warmup_steps", "seed"]
    argv = [f"--{k.replace('_', '-')}={getattr(args, k)}" for k in keep]
    return [*argv, f"--worker={out}", f"--shard={shard}"]


def _stop(proc: subprocess.Popen, out: Path) -> None:
    """End a configuration that ran out of time: torchrun, then any rank still alive.

    torchrun starts every rank in a session of its own, so killing torchrun's process group
    does not reach them; each rank wrote its process id under ``out`` when it started.
    """
    os.killpg(proc.pid, signal.SIGTERM)  # torchrun stops its ranks on SIGTERM
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for pid_file in out.glob("pid*"):
        pid = int(pid_file.read_text())
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue  # already gone
        if str(out).encode() in cmdline:  # still one of this configuration's ranks
            os.kill(pid, signal.SIGKILL)


def run_config(args: argparse.Namespace, ranks: int, shard: str) -> dict[str, Any] | str:
    """One configuration under torchrun: the largest per-rank values, or why it failed."""
    with tempfile.TemporaryDirectory(prefix="guide_rl_memory_") as tmp:
        out = Path(tmp)
        env = dict(os.environ, OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1",
                   **({"MALLOC_MMAP_THRESHOLD_": str(args.mmap_threshold)}
                      if args.mmap_threshold > 0 else {}),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).parents[1]),
                                                            os.environ.get("PYTHONPATH")])))
        cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(ranks),
               "--master_addr", "127.0.0.1", "--master_port", str(_free_port()),
               str(Path(__file__).resolve()), *_worker_argv(args, out, shard)]
        log = out / "torchrun.log"
        with log.open("w") as sink:
            proc = subprocess.Popen(cmd, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            try:
                proc.wait(timeout=args.timeout)
            except subprocess.TimeoutExpired:
                _stop(proc, out)
                return f"timed out after {args.timeout:.0f} s"
        if proc.returncode != 0:
            lines = log.read_text(errors="replace").splitlines()
            print("\n".join(lines[-60:]), file=sys.stderr)
            lines = [re.sub(r"^\[rank\d+\]:", "", ln).strip() for ln in lines]
            errors = [ln for ln in lines if re.match(r"[\w.]*(Error|Exception|Interrupt)\b", ln)
                      and "elastic" not in ln]
            why = errors[-1][:120] if errors else "see the log above"
            return f"failed (exit {proc.returncode}): {why.replace('|', '/')}"
        rows = [json.loads(p.read_text()) for p in sorted(out.glob("rank*.json"))]
    if len(rows) != ranks:
        return f"{len(rows)} of {ranks} ranks reported"
    keys = ("params", "grads", "optimizer", "peak_rss", "step_s")
    best = {k: max(r[k] for r in rows) for k in keys}
    best["total"] = max(r["params"] + r["grads"] + r["optimizer"] for r in rows)
    best["n_params"] = rows[0]["n_params"]
    return best


def table(results: dict[tuple[int, str], dict[str, Any] | str]) -> str:
    """The markdown table, with ratios to the 1-rank row of each strategy."""
    lines = ["| ranks | shard | params MB | grads MB | optimizer MB | total MB | peak RSS MB "
             "| step s | total / 1 rank | peak RSS / 1 rank | step / 1 rank |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for (ranks, shard), r in results.items():
        if isinstance(r, str):
            lines.append(f"| {ranks} | {shard} | {r} |||||||||")
            continue
        one = results.get((1, shard))
        ratios = [f"{r[k] / one[k]:.2f}" if isinstance(one, dict) else "-"
                  for k in ("total", "peak_rss", "step_s")]
        lines.append(f"| {ranks} | {shard} | {r['params'] / MB:.0f} | {r['grads'] / MB:.0f} | "
                     f"{r['optimizer'] / MB:.0f} | {r['total'] / MB:.0f} | "
                     f"{r['peak_rss'] / MB:.0f} | {r['step_s']:.2f} | {' | '.join(ratios)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every configuration and print the table."""
    args = parse_args(argv)
    if args.worker:
        rank = os.environ.get("RANK", "0")
        Path(args.worker, f"pid{rank}").write_text(str(os.getpid()))  # for a timeout's kill
        worker(args)
        return 0
    results: dict[tuple[int, str], dict[str, Any] | str] = {}
    n_params = None
    for shard in args.shards:
        for ranks in args.ranks:
            started = time.perf_counter()
            results[(ranks, shard)] = r = run_config(args, ranks, shard)
            if isinstance(r, dict):
                n_params = r["n_params"]
            took = time.perf_counter() - started
            print(f"{ranks} rank(s), --shard {shard}: "
                  f"{'done' if isinstance(r, dict) else r} in {took:.0f} s",
                  file=sys.stderr, flush=True)
    print(table(results))
    size = f"{n_params / 1e6:.1f}M parameters, float32" if n_params else "the model"
    print(f"\n{size}; AdamW; global batch {args.sequences} sequences of "
          f"{args.prompt_tokens}+{args.completion_tokens} tokens (half guided, hint "
          f"{args.hint_tokens} tokens), micro-batch {args.micro_batch}; mean of {args.steps} "
          f"updates after {args.warmup_steps} untimed; gloo, 1 thread per rank, {os.cpu_count()} "
          f"CPUs; MALLOC_MMAP_THRESHOLD_={args.mmap_threshold or 'glibc default'}. Per-rank "
          "values are the largest over the ranks; MB = 10^6 bytes.")
    return 0 if all(isinstance(r, dict) for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
