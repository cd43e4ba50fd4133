"""Anchors, IoU, box encoding/decoding and NMS (ours: no torchvision).

Boxes are [x1, y1, x2, y2] in continuous pixel coordinates: width = x2 - x1 (no +1).
"""
from __future__ import annotations

import math

import torch

from .model import MODULES

# dw/dh are clamped before exp so a wild regression cannot overflow (same in Swift).
MAX_LOG_SCALE = math.log(1000.0 / 16.0)


def module_anchors(stride: int, sizes, feat_h: int, feat_w: int) -> torch.Tensor:
    """Anchors of one module in (y, x, k) order, matching the head channel layout."""
    ys = (torch.arange(feat_h, dtype=torch.float32) + 0.5) * stride
    xs = (torch.arange(feat_w, dtype=torch.float32) + 0.5) * stride
    cy, cx = torch.meshgrid(ys, xs, indexing="ij")
    s = torch.tensor(sizes, dtype=torch.float32)
    cx = cx[:, :, None].expand(-1, -1, len(sizes))
    cy = cy[:, :, None].expand(-1, -1, len(sizes))
    half = (s / 2)[None, None, :]
    return torch.stack([cx - half, cy - half, cx + half, cy + half], dim=-1).reshape(-1, 4)


def all_anchors(height: int, width: int) -> dict[str, torch.Tensor]:
    """Per-module anchors for a (padded) network input of height x width."""
    return {m: module_anchors(stride, sizes, height // stride, width // stride)
            for m, stride, sizes in MODULES}


def iou_matrix(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """IoU of every box in a [N,4] against every box in b [M,4] -> [N,M]."""
    if a.numel() == 0 or b.numel() == 0:
        return torch.zeros((a.shape[0], b.shape[0]))
    area_a = (a[:, 2] - a[:, 0]).clamp(min=0) * (a[:, 3] - a[:, 1]).clamp(min=0)
    area_b = (b[:, 2] - b[:, 0]).clamp(min=0) * (b[:, 3] - b[:, 1]).clamp(min=0)
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = area_a[:, None] + area_b[None, :] - inter
    return torch.where(union > 0, inter / union, torch.zeros_like(union))


def inside_fraction(a: torch.Tensor, regions: torch.Tensor) -> torch.Tensor:
    """Fraction of each box in a [N,4] lying inside each region [M,4] -> [N,M]."""
    if a.numel() == 0 or regions.numel() == 0:
        return torch.zeros((a.shape[0], regions.shape[0]))
    area_a = ((a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])).clamp(min=1e-6)
    lt = torch.max(a[:, None, :2], regions[None, :, :2])
    rb = torch.min(a[:, None, 2:], regions[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    return wh[..., 0] * wh[..., 1] / area_a[:, None]


def encode(gt: torch.Tensor, anchors: torch.Tensor) -> torch.Tensor:
    """Log-space deltas (dx, dy, dw, dh) of gt boxes relative to same-index anchors."""
    aw = anchors[:, 2] - anchors[:, 0]
    ah = anchors[:, 3] - anchors[:, 1]
    acx = anchors[:, 0] + aw / 2
    acy = anchors[:, 1] + ah / 2
    gw = (gt[:, 2] - gt[:, 0]).clamp(min=1e-3)
    gh = (gt[:, 3] - gt[:, 1]).clamp(min=1e-3)
    gcx = gt[:, 0] + gw / 2
    gcy = gt[:, 1] + gh / 2
    return torch.stack([(gcx - acx) / aw, (gcy - acy) / ah, torch.log(gw / aw), torch.log(gh / ah)], dim=1)


def decode(deltas: torch.Tensor, anchors: torch.Tensor) -> torch.Tensor:
    aw = anchors[:, 2] - anchors[:, 0]
    ah = anchors[:, 3] - anchors[:, 1]
    acx = anchors[:, 0] + aw / 2
    acy = anchors[:, 1] + ah / 2
    cx = acx + deltas[:, 0] * aw
    cy = acy + deltas[:, 1] * ah
    w = aw * torch.exp(deltas[:, 2].clamp(max=MAX_LOG_SCALE))
    h = ah * torch.exp(deltas[:, 3].clamp(max=MAX_LOG_SCALE))
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=1)


def nms(boxes: torch.Tensor, scores: torch.Tensor, iou: float, limit: int | None = None) -> torch.Tensor:
    """Greedy NMS, highest score first (ties broken by index); returns kept indices."""
    order = torch.argsort(scores, descending=True, stable=True)
    boxes = boxes[order]
    ious = iou_matrix(boxes, boxes)
    suppressed = torch.zeros(len(order), dtype=torch.bool)
    keep = []
    for i in range(len(order)):
        if suppressed[i]:
            continue
        keep.append(i)
        if limit is not None and len(keep) >= limit:
            break
        suppressed |= ious[i] > iou
    return order[torch.tensor(keep, dtype=torch.long)] if keep else torch.zeros(0, dtype=torch.long)


def flatten_heads(outputs: dict[str, torch.Tensor], module: str, k: int):
    """[N,2K,H,W]/[N,4K,H,W] -> logits [N, H*W*K, 2] and deltas [N, H*W*K, 4] in anchor order."""
    cls = outputs[f"{module}_cls"]
    reg = outputs[f"{module}_reg"]
    n = cls.shape[0]
    cls = cls.permute(0, 2, 3, 1).reshape(n, -1, 2)
    reg = reg.permute(0, 2, 3, 1).reshape(n, -1, 4)
    return cls, reg


def detect(outputs: dict[str, torch.Tensor], height: int, width: int, score_threshold: float = 0.5,
           nms_iou: float = 0.3, top_k: int = 1000, max_detections: int = 750,
           delta_std=(1.0, 1.0, 1.0, 1.0)) -> torch.Tensor:
    """Final detections [M,5] (x1,y1,x2,y2,score) for image 0, in network-input pixels."""
    anchors = all_anchors(height, width)
    std = torch.tensor(delta_std)
    boxes, scores = [], []
    for m, _stride, sizes in MODULES:
        logits, deltas = flatten_heads(outputs, m, len(sizes))
        prob = torch.softmax(logits[0], dim=1)[:, 1]
        keep = torch.nonzero(prob > score_threshold).flatten()
        if keep.numel() > top_k:
            keep = keep[torch.topk(prob[keep], top_k).indices]
        boxes.append(decode(deltas[0][keep] * std, anchors[m][keep]))
        scores.append(prob[keep])
    boxes = torch.cat(boxes)
    scores = torch.cat(scores)
    keep = nms(boxes, scores, nms_iou, max_detections)
    return torch.cat([boxes[keep], scores[keep, None]], dim=1)
