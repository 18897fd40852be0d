"""Learners that train language models on any conforming guide-rl environment.

``python -m agents.guide_grpo`` is the main job. The Guide-GRPO learner itself arrives with the
Guide-GRPO issue; until then the command runs the environment demo in :mod:`agents.demo`.
"""

__all__: list[str] = []
