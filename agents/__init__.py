"""Learners that train language models on reasoning environments through the Gymnasium API.

``python -m agents.guide_grpo`` is the main job (Guide-GRPO, GRPO and Filter-GRPO). The shared
pieces live once here: rollout engines (:mod:`agents.rollout`), the env client
(:mod:`agents.env_client`), guidance (:mod:`agents.guidance`), losses (:mod:`agents.losses`),
what a step holds (:mod:`agents.batch`), sampling (:mod:`agents.sampling`), the GRPO update
(:mod:`agents.grpo`), the loop every learner runs on (:mod:`agents.trainer`), the ``tiny``
preset (:mod:`agents.tiny`).
"""
