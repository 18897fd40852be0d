"""Reasoning problems as Gymnasium text environments.

Importing the package registers its ids (``guide/Math-v0``); see :mod:`guide_envs.registration`.

Example:
    >>> import gymnasium as gym
    >>> import guide_envs
    >>> gym.register_envs(guide_envs)
    >>> env = gym.make("guide/Math-v0", families=["arithmetic"], difficulty=1)
    >>> obs, info = env.reset(seed=0)
    >>> info["problem_id"].startswith("arithmetic/d1/")
    True
"""

from guide_envs.env import ReasoningEnv
from guide_envs.problem import Domain, Problem
from guide_envs.protocol import BatchGradingEnv, EnvProtocol
from guide_envs.registration import ENV_IDS, make, make_math_env, register_envs
from guide_envs.sources import ListSource, ProblemSource, make_source
from guide_envs.spaces import UnicodeText
from guide_envs.templates import BOXED, PromptTemplate
from guide_envs.verifier_choice import VerifierChoice

__all__ = [
    "BOXED",
    "ENV_IDS",
    "BatchGradingEnv",
    "Domain",
    "EnvProtocol",
    "ListSource",
    "Problem",
    "ProblemSource",
    "PromptTemplate",
    "ReasoningEnv",
    "UnicodeText",
    "VerifierChoice",
    "make",
    "make_math_env",
    "make_source",
    "register_envs",
]

register_envs()
