"""The tiny preset warmed up briefly into a cache, for test_tiny.py and test_models.py (the
``tiny_cache`` fixture is in conftest.py): the settings, a chain to round-trip, and the first
load's log lines."""

from __future__ import annotations

import logging
from pathlib import Path

from agents.tiny import WarmupConfig, load_tiny

CHAIN = "Q:5*18-3*1*9 H:90-3*1*9 S:90-3*1*9=90-3*9=90-27=63;A:63"
SHORT = WarmupConfig(steps=30, warmup_steps=3, batch_size=16, threads=1)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _load_logged(cache: Path, warmup: WarmupConfig) -> tuple[object, object, list[str]]:
    logger = logging.getLogger("agents.tiny")
    records, level = _Records(), logger.level
    logger.addHandler(records)
    logger.setLevel(logging.INFO)
    try:
        model, tokenizer = load_tiny(cache, warmup, progress=False)
    finally:
        logger.removeHandler(records)
        logger.setLevel(level)
    return model, tokenizer, records.messages
