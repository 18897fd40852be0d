"""The vLLM engine (agents/rollout/vllm.py) on a tiny checkpoint: exact behaviour log-probs,
seeding, pushed weights. Needs a CUDA GPU and the vllm extra."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest
import torch
from _engines import PROMPTS, _greedy, _recomputed, _tiny_model

from agents.rollout import VLLMEngine, make_engine


def _vllm_available() -> bool:
    return importlib.util.find_spec("vllm") is not None and torch.cuda.is_available()


@pytest.mark.skipif(not _vllm_available(),
                    reason="absent hardware: vLLM needs a CUDA GPU (and the vllm extra)")
class TestVLLMEngine:
    @pytest.fixture(scope="class")
    def checkpoint(self, tmp_path_factory: pytest.TempPathFactory) -> str:
        path = tmp_path_factory.mktemp("tiny-qwen2")
        _tiny_model().save_pretrained(path)
        return str(path)

    @pytest.fixture(scope="class")
    def vllm_engine(self, checkpoint: str) -> Iterator[VLLMEngine]:
        engine = make_engine("vllm", checkpoint, dtype="float32", gpu_memory_utilization=0.2,
                             enforce_eager=True, max_model_len=64, skip_tokenizer_init=True)
        assert isinstance(engine, VLLMEngine)
        yield engine
        engine.close()

    @pytest.mark.parametrize("temperature", [1.0, 0.7])
    def test_logprobs_equal_forward_recomputation(self, vllm_engine: VLLMEngine,
                                                  temperature: float) -> None:
        model = _tiny_model()
        groups = vllm_engine.generate(PROMPTS, n=3, max_new_tokens=10, temperature=temperature,
                                      seed=0)
        assert [len(group) for group in groups] == [3, 3, 3]
        for prompt, group in zip(PROMPTS, groups, strict=True):
            for r in group:
                assert r.prompt_ids == tuple(prompt)
                assert len(r.logprobs) == len(r.completion_ids) >= 1
                torch.testing.assert_close(torch.tensor(r.logprobs),
                                           _recomputed(model, r, temperature),
                                           atol=1e-3, rtol=0)

    def test_seeded(self, vllm_engine: VLLMEngine) -> None:
        first = vllm_engine.generate(PROMPTS, n=2, max_new_tokens=8, seed=3)
        assert vllm_engine.generate(PROMPTS, n=2, max_new_tokens=8, seed=3) == first

    def test_load_weights(self, vllm_engine: VLLMEngine) -> None:
        source = _tiny_model(seed=1)
        vllm_engine.load_weights(source)
        try:
            groups = vllm_engine.generate(PROMPTS, n=1, max_new_tokens=8, temperature=0.0)
            for prompt, group in zip(PROMPTS, groups, strict=True):
                expected = _greedy(source, prompt, 8)
                assert list(group[0].completion_ids) == expected[:len(group[0].completion_ids)]
        finally:
            vllm_engine.load_weights(_tiny_model())
