"""SSH training targets and loss: anchor assignment and online hard example mining.

Assignment: IoU >= 0.5 with a face is positive, < 0.3 negative, between is ignored; anchors
over an ignore region (IoU >= 0.3 or >= 50 % inside) are never negatives. Each face also
gets its best COMPENSATE_TOP anchors with IoU >= COMPENSATE_MIN_IOU as positives (scale
compensation, as in S3FD): with square anchors a factor 2 apart on a stride grid, faces of
8-20 px or between two sizes reach 0.5 with one anchor or none, so they were learnt from a
single positive (a 32 px face has about four) while their close neighbours were mined as
hard negatives, and small faces scored low. IoU decides which module a face belongs to, so
each module still only learns its own scale range.

Loss (OHEM): per picture, all positives and the hardest negatives (highest face score),
NEG_PER_POS of them per positive and at least MIN_NEGATIVES, so face-free pictures are
mined too. Cross-entropy summed over the selected anchors and divided by the number of
positives, as one sum: every selected anchor weighs the same. (Per-class means gave each
rare positive the weight of hundreds of negatives and pushed background scores up — the
false boxes on real video; one plain mean over 256 anchors per module let the background
swamp the few positives and cost recall. A fixed 1:NEG_PER_POS mix sits between the two.)
Smooth-L1 on the positives' deltas, summed over coordinates, divided the same way.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .boxes import encode, flatten_heads, inside_fraction, iou_matrix
from .model import DELTA_STD, MODULES

POS_IOU = 0.5
NEG_IOU = 0.3
COMPENSATE_TOP = 3
COMPENSATE_MIN_IOU = 0.2
IGNORE_IOU = 0.3
IGNORE_INSIDE = 0.5
NEG_PER_POS = 7
MIN_NEGATIVES = 64


def on_ignore_region(boxes: torch.Tensor, regions: torch.Tensor) -> torch.Tensor:
    """bool [N]: boxes over any ignore region (IoU >= IGNORE_IOU, or >= IGNORE_INSIDE of the box inside one)."""
    if not regions.numel():
        return torch.zeros(boxes.shape[0], dtype=torch.bool)
    near = (iou_matrix(boxes, regions) >= IGNORE_IOU) | (inside_fraction(boxes, regions) >= IGNORE_INSIDE)
    return near.any(dim=1)


def assign(anchors: torch.Tensor, gt: torch.Tensor, ignore: torch.Tensor):
    """labels [A] in {1, 0, -1} and the index of the matched gt box [A]."""
    labels = torch.full((anchors.shape[0],), -1, dtype=torch.long)
    matched = torch.zeros(anchors.shape[0], dtype=torch.long)
    if gt.numel():
        ious = iou_matrix(anchors, gt)
        best, matched = ious.max(dim=1)
    else:
        best = torch.zeros(anchors.shape[0])
    labels[best < NEG_IOU] = 0
    labels[best >= POS_IOU] = 1
    labels[(labels == 0) & on_ignore_region(anchors, ignore)] = -1
    if gt.numel():
        top_iou, top_anchor = ious.topk(min(COMPENSATE_TOP, anchors.shape[0]), dim=0)  # [K, faces]
        faces = torch.arange(gt.shape[0]).expand_as(top_anchor)
        keep = (top_iou >= COMPENSATE_MIN_IOU) & (labels[top_anchor] != 1)
        # An anchor that is among the best of two faces regresses to the one it overlaps most.
        order = top_iou[keep].argsort()
        labels[top_anchor[keep]] = 1
        matched[top_anchor[keep][order]] = faces[keep][order]
    return labels, matched


def ohem_select(labels: torch.Tensor, face_prob: torch.Tensor, neg_per_pos: int = NEG_PER_POS,
                min_negatives: int = MIN_NEGATIVES):
    """All positives and the hardest negatives: neg_per_pos per positive, at least min_negatives."""
    pos = torch.nonzero(labels == 1).flatten()
    neg = torch.nonzero(labels == 0).flatten()
    n_neg = min(neg.numel(), max(neg_per_pos * pos.numel(), min_negatives))
    if n_neg < neg.numel():
        neg = neg[torch.topk(face_prob[neg], n_neg).indices]
    return pos, neg


def _flat(outputs: dict, anchors: dict):
    """Logits [N,A,2], deltas [N,A,4], anchors [A,4] and each anchor's module index [A], all modules."""
    logits, deltas, module = [], [], []
    for i, (m, _stride, sizes) in enumerate(MODULES):
        lg, dl = flatten_heads(outputs, m, len(sizes))
        logits.append(lg)
        deltas.append(dl)
        module.append(torch.full((anchors[m].shape[0],), i, dtype=torch.long))
    return (torch.cat(logits, 1), torch.cat(deltas, 1), torch.cat([anchors[m] for m, _, _ in MODULES]),
            torch.cat(module))


def ssh_loss(outputs: dict, gts: list, ignores: list, anchors: dict, neg_per_pos: int = NEG_PER_POS,
             min_negatives: int = MIN_NEGATIVES, reg_weight: float = 1.0):
    device = outputs["m1_cls"].device
    std = torch.tensor(DELTA_STD, device=device)
    logits, deltas, a, module = _flat(outputs, anchors)
    cls_sum = torch.zeros((), device=device)
    reg_sum = torch.zeros((), device=device)
    n_pos = n_neg = 0
    per_module = torch.zeros(len(MODULES), dtype=torch.long)
    for b in range(logits.shape[0]):
        labels, matched = assign(a, gts[b], ignores[b])
        with torch.no_grad():
            prob = torch.softmax(logits[b].float(), dim=1)[:, 1].cpu()
        pos, neg = ohem_select(labels, prob, neg_per_pos, min_negatives)
        chosen = torch.cat([pos, neg])
        target = torch.cat([torch.ones_like(pos), torch.zeros_like(neg)])
        if chosen.numel():
            cls_sum = cls_sum + F.cross_entropy(logits[b][chosen.to(device)], target.to(device), reduction="sum")
        if pos.numel():
            t = encode(gts[b][matched[pos]], a[pos]).to(device) / std
            reg_sum = reg_sum + F.smooth_l1_loss(deltas[b][pos.to(device)], t, beta=1 / 9, reduction="sum")
            per_module += torch.bincount(module[pos], minlength=len(MODULES))
        n_pos += pos.numel()
        n_neg += neg.numel()
    norm = max(n_pos, 1)
    cls = cls_sum / norm
    reg = reg_sum / norm
    stats = {f"pos_{m}": int(per_module[i]) for i, (m, _, _) in enumerate(MODULES)}
    return cls + reg_weight * reg, {"cls": cls.item(), "reg": reg.item(), "neg": n_neg, **stats}
