"""Isolated execution of untrusted code (bubblewrap and Docker backends).

The backends arrive with the sandbox issue; this package exists now so that the distribution's
layout and dependency direction (``agents -> guide_envs -> verifiers -> sandbox``) are fixed.
"""

__all__: list[str] = []
