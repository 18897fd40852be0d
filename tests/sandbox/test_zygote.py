"""The warm sandbox's PID 1 (sandbox/zygote.py), which runs where the package cannot be imported."""

from __future__ import annotations


def test_the_zygote_repeats_the_hosts_constants() -> None:
    # sandbox/zygote.py runs where the package cannot be imported, so it repeats these
    from sandbox import bwrap, channel, zygote

    assert (zygote.WORKDIR, zygote.CHANNEL_ENV) == (bwrap.WORKDIR, channel.CHANNEL_ENV)
