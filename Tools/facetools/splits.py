"""The training side's fixed validation split.

`eval/` and `photos/` are for evaluation only, so every decision taken while training —
score calibration, the shipped threshold, which checkpoint to keep — is taken on pictures
of the training side held out here. The split is a hash of each picture's group (a clip,
a near-duplicate pair, else the picture itself), so it is the same on every machine and
for every run, and twins never straddle it. Face-free pictures are held out at a higher
rate because the face-free video check (`Tools/facefree_check.py`) needs enough of them.
"""
from __future__ import annotations

import hashlib

from .data import Record

VALIDATION_FRACTION = 0.15
FACE_FREE_FRACTION = 0.25


def _unit(key: str) -> float:
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) / 2 ** 32


def held_out(record: Record) -> bool:
    u = _unit(record.group)
    return u < VALIDATION_FRACTION or (record.face_free and u < FACE_FREE_FRACTION)


def split(records: list[Record]) -> tuple[list[Record], list[Record]]:
    """(training, validation) records."""
    train = [r for r in records if not held_out(r)]
    val = [r for r in records if held_out(r)]
    return train, val
