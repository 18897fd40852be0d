"""The Hugging Face engine (agents/rollout/hf.py) on real tiny models: invariants, exact behaviour
log-probs, seeding, weights."""

from __future__ import annotations

import pytest
import torch
from _engines import EOS, PAD, PROMPTS, _flat, _greedy, _recomputed, _tiny_model
from transformers import Qwen2ForCausalLM

from agents.rollout import HFEngine, RolloutEngine


@pytest.fixture
def engine(model: Qwen2ForCausalLM) -> HFEngine:
    return HFEngine(model, eos_token_id=EOS, pad_token_id=PAD, batch_size=5)


class TestHFEngine:
    def test_is_a_rollout_engine(self, engine: HFEngine) -> None:
        assert isinstance(engine, RolloutEngine)

    def test_shapes_and_invariants(self, engine: HFEngine) -> None:
        max_new = 12
        groups = engine.generate(PROMPTS, n=4, max_new_tokens=max_new, seed=0)
        assert len(groups) == len(PROMPTS)
        for prompt, group in zip(PROMPTS, groups, strict=True):
            assert len(group) == 4
            for r in group:
                assert r.prompt_ids == tuple(prompt)
                assert len(r.logprobs) == len(r.completion_ids) >= 1
                assert r.finished == (r.completion_ids[-1] == EOS)
                assert EOS not in r.completion_ids[:-1], "cut after the first EOS"
                if not r.finished:
                    assert len(r.completion_ids) == max_new
                assert len(r.completion_ids) <= max_new
                assert all(lp <= 0.0 for lp in r.logprobs)
        finished = [r.finished for r in _flat(groups)]
        assert any(finished) and not all(finished), "the test should see both endings"

    def test_no_padding_left_after_eos(self, engine: HFEngine) -> None:
        # Rows that finish early are padded by generate; the padding must be gone, so a
        # finished rollout is shorter than the longest row of its batch.
        rollouts = _flat(engine.generate(PROMPTS, n=4, max_new_tokens=12, seed=0))
        finished = [r for r in rollouts if r.finished]
        assert any(len(r.completion_ids) < 12 for r in finished)
        for r in finished:
            assert r.completion_ids.index(EOS) == len(r.completion_ids) - 1

    @pytest.mark.parametrize(("temperature", "top_p"), [(1.0, 1.0), (0.7, 1.0), (0.7, 0.9)])
    def test_behaviour_logprobs_equal_forward_recomputation(
            self, engine: HFEngine, model: Qwen2ForCausalLM, temperature: float,
            top_p: float) -> None:
        # Exactly what the trainer recomputes: the importance ratio is 1 before an update
        # (top-p only truncates sampling; log-probs are of the full tempered distribution).
        groups = engine.generate(PROMPTS, n=3, max_new_tokens=10, temperature=temperature,
                                 top_p=top_p, seed=1)
        for r in _flat(groups):
            torch.testing.assert_close(torch.tensor(r.logprobs), _recomputed(model, r, temperature),
                                       atol=1e-4, rtol=0)

    def test_top_p_restricts_sampling(self, engine: HFEngine, model: Qwen2ForCausalLM) -> None:
        groups = engine.generate([PROMPTS[0]], n=16, max_new_tokens=1, temperature=1.0,
                                 top_p=0.05, seed=2)
        first = {r.completion_ids[0] for r in groups[0]}
        with torch.no_grad():
            argmax = int(model(torch.tensor([PROMPTS[0]])).logits[0, -1].argmax())
        assert first == {argmax}

    def test_left_padding_does_not_change_results(self, engine: HFEngine,
                                                  model: Qwen2ForCausalLM) -> None:
        short, long = PROMPTS[2], PROMPTS[1]
        batched = engine.generate([short, long], n=3, max_new_tokens=8, temperature=0.8, seed=3)
        for r in batched[0]:
            torch.testing.assert_close(torch.tensor(r.logprobs), _recomputed(model, r, 0.8),
                                       atol=1e-4, rtol=0)
        alone = engine.generate([short], n=1, max_new_tokens=8, temperature=0.0)[0][0]
        padded = engine.generate([short, long], n=1, max_new_tokens=8, temperature=0.0)[0][0]
        assert alone.completion_ids == padded.completion_ids
        torch.testing.assert_close(torch.tensor(alone.logprobs), torch.tensor(padded.logprobs),
                                   atol=1e-4, rtol=0)

    def test_same_seed_same_rollouts_and_global_rng_untouched(self, engine: HFEngine) -> None:
        torch.manual_seed(1234)
        state = torch.get_rng_state()
        first = engine.generate(PROMPTS, n=4, max_new_tokens=10, seed=7)
        assert torch.equal(torch.get_rng_state(), state)
        assert engine.generate(PROMPTS, n=4, max_new_tokens=10, seed=7) == first
        assert engine.generate(PROMPTS, n=4, max_new_tokens=10, seed=8) != first

    def test_samples_of_one_prompt_differ(self, engine: HFEngine) -> None:
        group = engine.generate([PROMPTS[0]], n=8, max_new_tokens=10, seed=0)[0]
        assert len({r.completion_ids for r in group}) > 1

    def test_greedy_is_argmax_decoding(self, engine: HFEngine, model: Qwen2ForCausalLM) -> None:
        groups = engine.generate(PROMPTS, n=2, max_new_tokens=10, temperature=0.0)
        for prompt, group in zip(PROMPTS, groups, strict=True):
            expected = tuple(_greedy(model, prompt, 10))
            for r in group:
                assert r.completion_ids == expected
                # Greedy log-probs are taken at temperature 1.
                torch.testing.assert_close(torch.tensor(r.logprobs), _recomputed(model, r, 1.0),
                                           atol=1e-4, rtol=0)

    def test_restores_training_mode(self, engine: HFEngine, model: Qwen2ForCausalLM) -> None:
        model.train()
        try:
            engine.generate(PROMPTS[:1], n=1, max_new_tokens=3, seed=0)
            assert model.training
        finally:
            model.eval()
        engine.generate(PROMPTS[:1], n=1, max_new_tokens=3, seed=0)
        assert not model.training

    def test_ignores_checkpoint_generation_defaults(self, model: Qwen2ForCausalLM) -> None:
        engine = HFEngine(model, eos_token_id=EOS, pad_token_id=PAD)
        plain = engine.generate(PROMPTS, n=2, max_new_tokens=8, seed=5)
        saved = model.generation_config
        model.generation_config = saved.__class__(top_k=1, repetition_penalty=5.0)
        try:
            assert engine.generate(PROMPTS, n=2, max_new_tokens=8, seed=5) == plain
        finally:
            model.generation_config = saved

    def test_peft_model(self) -> None:
        from peft import LoraConfig, get_peft_model

        base = _tiny_model()
        base.generation_config.top_k = 1  # a checkpoint default the engine must ignore
        lora = get_peft_model(base, LoraConfig(r=2, target_modules=["q_proj", "v_proj"]))
        engine = HFEngine(lora, eos_token_id=EOS, pad_token_id=PAD)
        groups = engine.generate(PROMPTS, n=4, max_new_tokens=8, temperature=0.9, seed=0)
        assert len({r.completion_ids for r in groups[1]}) > 1
        assert base.generation_config.top_k == 1
        for r in _flat(groups):
            torch.testing.assert_close(torch.tensor(r.logprobs), _recomputed(lora, r, 0.9),
                                       atol=1e-4, rtol=0)

    def test_load_weights_copies_from_another_model(self) -> None:
        target, source = _tiny_model(seed=0), _tiny_model(seed=1)
        engine = HFEngine(target, eos_token_id=EOS, pad_token_id=PAD)
        before = engine.generate(PROMPTS, n=1, max_new_tokens=8, temperature=0.0)
        engine.load_weights(source)
        for name, tensor in source.state_dict().items():
            assert torch.equal(target.state_dict()[name], tensor), name
        after = engine.generate(PROMPTS, n=1, max_new_tokens=8, temperature=0.0)
        assert after != before
        assert [group[0].completion_ids for group in after] == [
            tuple(_greedy(source, prompt, 8)) for prompt in PROMPTS]

    def test_load_weights_of_the_shared_model_is_a_no_op(self, engine: HFEngine,
                                                          model: Qwen2ForCausalLM) -> None:
        pointers = [p.data_ptr() for p in model.parameters()]
        engine.load_weights(model)
        assert [p.data_ptr() for p in model.parameters()] == pointers

    def test_several_eos_ids(self, model: Qwen2ForCausalLM) -> None:
        engine = HFEngine(model, eos_token_id=[EOS, 2], pad_token_id=PAD)
        for r in _flat(engine.generate(PROMPTS, n=4, max_new_tokens=12, seed=0)):
            assert r.finished == (r.completion_ids[-1] in (EOS, 2))
            assert not set(r.completion_ids[:-1]) & {EOS, 2}

    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"n": 0}, "n must be at least 1, got 0"),
        ({"max_new_tokens": 0}, "max_new_tokens must be at least 1, got 0"),
        ({"temperature": -0.5}, "temperature must be >= 0 (0 means greedy), got -0.5"),
        ({"top_p": 0.0}, "top_p must be in (0, 1], got 0.0"),
    ])
    def test_bad_arguments_name_the_value(self, engine: HFEngine, kwargs: dict,
                                          message: str) -> None:
        args = {"n": 1, "max_new_tokens": 4, **kwargs}
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")
                           .replace("[", r"\[")):
            engine.generate(PROMPTS, **args)

    def test_empty_prompt_is_rejected(self, engine: HFEngine) -> None:
        with pytest.raises(ValueError, match="prompt 1 is empty"):
            engine.generate([[3], []], n=1, max_new_tokens=2)
