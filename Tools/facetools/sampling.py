"""Batches with face-free pictures in every one of them.

Today's false boxes sit on walls, curtains, shirts and dark stages: background the network
saw too rarely at the scale it runs at. Each batch therefore takes `face_free` crops from
face-free pictures (animals, dark scenes, empty rooms, streets) besides the weighted draw of
pictures with faces, so OHEM always has whole-frame background to mine.
"""
from __future__ import annotations

import torch

from .data import Record


class MixedBatches:
    """Yields lists of (record index, draw number) for CropDataset, forever."""

    def __init__(self, records: list[Record], batch: int, face_free: int, seed: int = 0):
        self.free = [i for i, r in enumerate(records) if r.face_free]
        self.faces = [i for i, r in enumerate(records) if not r.face_free]
        if not self.faces:
            self.faces, self.free = self.free, []
        self.n_free = min(face_free, batch - 1) if self.free else 0
        self.n_faces = batch - self.n_free
        self.weights = torch.tensor([records[i].weight for i in self.faces], dtype=torch.double)
        self.generator = torch.Generator().manual_seed(seed)
        self.draw = 0

    def __iter__(self):
        while True:
            picks = torch.multinomial(self.weights, self.n_faces, replacement=True, generator=self.generator)
            batch = [self.faces[i] for i in picks.tolist()]
            if self.n_free:
                more = torch.randint(len(self.free), (self.n_free,), generator=self.generator)
                batch += [self.free[i] for i in more.tolist()]
            self.draw += 1
            yield [(i, self.draw) for i in batch]
