"""Learners that train language models on reasoning environments through the Gymnasium API.

``python -m agents.guide_grpo`` is the main job (Guide-GRPO, GRPO and Filter-GRPO). The shared
pieces live once here: rollout engines (:mod:`agents.rollout`), the env client
(:mod:`agents.env_client`), guidance (:mod:`agents.guidance`), losses (:mod:`agents.losses`),
sampling and updates (:mod:`agents.grpo`), the ``tiny`` preset (:mod:`agents.tiny`).
"""
