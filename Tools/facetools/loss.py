"""SSH training targets and loss: per-module anchor assignment and OHEM.

Assignment (no forced best-anchor match, as in the paper): IoU > 0.5 with a face is
positive, < 0.3 negative, between is ignored; anchors over an ignore region (IoU >= 0.3
or >= 50 % inside) are never negatives. Each module sees only its own anchors, so it only
learns its own scale range. OHEM per image and module: 256 anchors, at most 25 % positives,
the hardest of each (lowest face score for positives, highest for negatives).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .boxes import encode, flatten_heads, inside_fraction, iou_matrix
from .model import DELTA_STD, MODULES

POS_IOU = 0.5
NEG_IOU = 0.3
IGNORE_IOU = 0.3
IGNORE_INSIDE = 0.5


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
    labels[best > POS_IOU] = 1
    if ignore.numel():
        near = (iou_matrix(anchors, ignore) >= IGNORE_IOU) | (inside_fraction(anchors, ignore) >= IGNORE_INSIDE)
        labels[(labels == 0) & near.any(dim=1)] = -1
    return labels, matched


def ohem_select(labels: torch.Tensor, face_prob: torch.Tensor, per_image: int = 256, max_pos_fraction: float = 0.25):
    """Indices of the hardest positives and negatives; counts follow the OHEM budget."""
    pos = torch.nonzero(labels == 1).flatten()
    neg = torch.nonzero(labels == 0).flatten()
    n_pos = min(pos.numel(), int(per_image * max_pos_fraction))
    if n_pos < pos.numel():
        pos = pos[torch.topk(-face_prob[pos], n_pos).indices]
    n_neg = min(neg.numel(), per_image - n_pos)
    if n_neg < neg.numel():
        neg = neg[torch.topk(face_prob[neg], n_neg).indices]
    return pos, neg


def ssh_loss(outputs: dict, gts: list, ignores: list, anchors: dict, per_image: int = 256,
             max_pos_fraction: float = 0.25, reg_weight: float = 1.0):
    """Softmax classification on OHEM-selected anchors + smooth-L1 on all positives' deltas."""
    device = outputs["m1_cls"].device
    std = torch.tensor(DELTA_STD, device=device)
    cls_sum = torch.zeros((), device=device)
    reg_sum = torch.zeros((), device=device)
    n_cls = n_reg = 0
    stats = {}
    for m, _stride, sizes in MODULES:
        logits, deltas = flatten_heads(outputs, m, len(sizes))
        a = anchors[m]
        n_pos_module = 0
        for b in range(logits.shape[0]):
            labels, matched = assign(a, gts[b], ignores[b])
            labels = labels.to(device)
            with torch.no_grad():
                prob = torch.softmax(logits[b].float(), dim=1)[:, 1]
            pos, neg = ohem_select(labels, prob, per_image, max_pos_fraction)
            sel = torch.cat([pos, neg])
            target = torch.cat([torch.ones_like(pos), torch.zeros_like(neg)])
            if sel.numel():
                cls_sum = cls_sum + F.cross_entropy(logits[b][sel], target, reduction="sum")
                n_cls += sel.numel()
            all_pos = torch.nonzero(labels == 1).flatten()
            if all_pos.numel():
                cpu_pos = all_pos.cpu()
                t = encode(gts[b][matched[cpu_pos]], a[cpu_pos]).to(device) / std
                reg_sum = reg_sum + F.smooth_l1_loss(deltas[b][all_pos], t, beta=1 / 9, reduction="sum")
                n_reg += all_pos.numel()
                n_pos_module += all_pos.numel()
        stats[f"pos_{m}"] = n_pos_module
    cls = cls_sum / max(n_cls, 1)
    reg = reg_sum / max(4 * n_reg, 1)  # mean over positives' coordinates
    return cls + reg_weight * reg, {"cls": cls.item(), "reg": reg.item(), **stats}
