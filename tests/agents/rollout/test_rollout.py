"""make_engine (agents/rollout/__init__.py): building an engine by name, its token ids, and the
errors that name what is missing."""

from __future__ import annotations

import sys

import pytest
from _engines import EOS, PAD, _tiny_model
from transformers import Qwen2ForCausalLM

from agents.rollout import HFEngine, VLLMEngine, make_engine


class TestMakeEngine:
    def test_hf_takes_ids_from_the_tokenizer(self, model: Qwen2ForCausalLM) -> None:
        class Tokenizer:
            eos_token_id, pad_token_id = EOS, None

        engine = make_engine("hf", model, Tokenizer(), batch_size=3)
        assert isinstance(engine, HFEngine)
        assert (engine.eos_token_ids, engine.pad_token_id, engine.batch_size) == ((EOS,), EOS, 3)

    def test_hf_also_stops_at_the_models_generation_eos(self) -> None:
        class Tokenizer:
            eos_token_id, pad_token_id = EOS, PAD

        model = _tiny_model()
        model.generation_config.eos_token_id = [2, EOS]
        engine = make_engine("hf", model, Tokenizer())
        assert isinstance(engine, HFEngine)
        assert (engine.eos_token_ids, engine.pad_token_id) == ((EOS, 2), PAD)
        explicit = make_engine("hf", model, Tokenizer(), eos_token_id=3)
        assert isinstance(explicit, HFEngine) and explicit.eos_token_ids == (3,)

    def test_hf_needs_an_eos_id(self, model: Qwen2ForCausalLM) -> None:
        bare = _tiny_model()
        bare.generation_config.eos_token_id = None
        with pytest.raises(ValueError, match="needs an EOS token id"):
            make_engine("hf", bare)

    def test_unknown_engine(self, model: Qwen2ForCausalLM) -> None:
        with pytest.raises(ValueError, match="unknown rollout engine 'sglang'"):
            make_engine("sglang", model)  # type: ignore[arg-type]  # the error under test

    def test_vllm_missing_names_the_extra(self, model: Qwen2ForCausalLM,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "vllm", None)  # makes `import vllm` fail here
        with pytest.raises(ImportError, match=r'pip install "guide-rl\[vllm\]"'):
            make_engine("vllm", model)
        with pytest.raises(ImportError, match=r'pip install "guide-rl\[vllm\]"'):
            VLLMEngine("Qwen/Qwen2.5-0.5B")

    def test_vllm_needs_a_checkpoint_name(self, model: Qwen2ForCausalLM,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "vllm", sys.modules["agents"])  # any importable module
        with pytest.raises(ValueError, match="has no name_or_path"):
            make_engine("vllm", model)
