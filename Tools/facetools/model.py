"""The SSH network (Najibi et al., ICCV 2017) on a configurable backbone.

The network is kept as an explicit list of graph nodes (conv, maxpool, upsample2x, add,
concat) with the same names the exported model.yaml uses, so the Swift engine maps every
layer one to one and export is a walk over this list, not a re-derivation.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

# Anchor sizes per module (aspect 1, base 16): scales {1,2}, {4,8}, {16,32}.
MODULES = (("m1", 8, (16, 32)), ("m2", 16, (64, 128)), ("m3", 32, (256, 512)))
# Regression deltas are learnt divided by these; export folds them into the reg heads so
# the deployed model decodes plain (dx, dy, dw, dh).
DELTA_STD = (0.1, 0.1, 0.2, 0.2)


@dataclass
class Node:
    name: str
    op: str  # conv | maxpool | upsample2x | add | concat
    inputs: list
    out_channels: int = 0
    in_channels: int = 0
    kernel: int = 1
    stride: int = 1
    pad: int = 0
    relu: bool = False
    batchnorm: bool = False
    head: bool = False  # cls/reg 1x1 heads: bias, no BN

    def to_yaml(self) -> dict:
        d = {"name": self.name, "op": self.op, "inputs": list(self.inputs)}
        if self.op == "conv":
            d.update(out_channels=self.out_channels, kernel=self.kernel, stride=self.stride,
                     pad=self.pad, relu=self.relu)
        elif self.op == "maxpool":
            d.update(kernel=self.kernel, stride=self.stride, pad=self.pad)
        elif self.op in ("add", "concat"):
            d.update(relu=self.relu)
        return d


def load_backbone(path: str) -> dict:
    with open(path) as f:
        cfg = yaml.safe_load(f)
    for key in ("name", "layers", "taps", "ssh"):
        if key not in cfg:
            raise ValueError(f"{path}: missing key '{key}'")
    return cfg


def build_graph(cfg: dict) -> list[Node]:
    """Backbone layers, then M1 (fused stride 8+16), M2 (stride 16), M3 (pooled stride 16)."""
    bn = bool(cfg.get("batchnorm", False))
    nodes: list[Node] = []
    channels = {"image": 3}

    def conv(name, src, out, k=3, stride=1, relu=True, head=False):
        nodes.append(Node(name, "conv", [src], out, channels[src], k, stride, k // 2, relu,
                          bn and not head, head))
        channels[name] = out
        return name

    prev = "image"
    for layer in cfg["layers"]:
        op = layer.get("op", "conv")
        if op == "maxpool":
            nodes.append(Node(layer["name"], "maxpool", [prev], kernel=2, stride=2))
            channels[layer["name"]] = channels[prev]
            prev = layer["name"]
        elif op == "conv":
            prev = conv(layer["name"], prev, int(layer["out"]), int(layer.get("kernel", 3)),
                        int(layer.get("stride", 1)))
        else:
            raise ValueError(f"backbone layer {layer['name']}: unknown op {op}")
    s8, s16 = cfg["taps"]["stride8"], cfg["taps"]["stride16"]
    ssh = cfg["ssh"]

    # M1 input: stride-8 features fused with 2x-upsampled stride-16 features.
    fc = int(ssh["fusion_channels"])
    conv("m1_lateral8", s8, fc, k=1)
    conv("m1_lateral16", s16, fc, k=1)
    nodes.append(Node("m1_up", "upsample2x", ["m1_lateral16"]))
    channels["m1_up"] = fc
    nodes.append(Node("m1_sum", "add", ["m1_lateral8", "m1_up"]))
    channels["m1_sum"] = fc
    conv("m1_fuse", "m1_sum", fc)
    # M3 input: stride-2 max-pool on the stride-16 features.
    nodes.append(Node("m3_pool", "maxpool", [s16], kernel=2, stride=2))
    channels["m3_pool"] = channels[s16]

    for (mod, _stride, sizes), src in zip(MODULES, ("m1_fuse", s16, "m3_pool")):
        x = int(ssh[mod])
        k = len(sizes)
        conv(f"{mod}_conv", src, x, relu=False)
        conv(f"{mod}_ctx_dimred", src, x // 2)
        conv(f"{mod}_ctx_5x5", f"{mod}_ctx_dimred", x // 2, relu=False)
        conv(f"{mod}_ctx_7x7a", f"{mod}_ctx_dimred", x // 2)
        conv(f"{mod}_ctx_7x7b", f"{mod}_ctx_7x7a", x // 2, relu=False)
        nodes.append(Node(f"{mod}_concat", "concat",
                          [f"{mod}_conv", f"{mod}_ctx_5x5", f"{mod}_ctx_7x7b"], relu=True))
        channels[f"{mod}_concat"] = 2 * x
        conv(f"{mod}_cls", f"{mod}_concat", 2 * k, k=1, relu=False, head=True)
        conv(f"{mod}_reg", f"{mod}_concat", 4 * k, k=1, relu=False, head=True)
    return nodes


class ConvUnit(nn.Module):
    """Conv (+ BatchNorm during training); ReLU is applied by the graph walker."""

    def __init__(self, node: Node):
        super().__init__()
        self.conv = nn.Conv2d(node.in_channels, node.out_channels, node.kernel, node.stride,
                              node.pad, bias=not node.batchnorm)
        self.bn = nn.BatchNorm2d(node.out_channels) if node.batchnorm else None

    def forward(self, x):
        x = self.conv(x)
        return self.bn(x) if self.bn is not None else x

    def folded(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Weight and bias with BatchNorm folded in (inference form)."""
        w = self.conv.weight.detach().clone()
        b = (self.conv.bias.detach().clone() if self.conv.bias is not None
             else torch.zeros(w.shape[0]))
        if self.bn is not None:
            scale = self.bn.weight.detach() / torch.sqrt(self.bn.running_var + self.bn.eps)
            w = w * scale[:, None, None, None]
            b = (b - self.bn.running_mean) * scale + self.bn.bias.detach()
        return w, b


class SSH(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.cfg = cfg
        self.nodes = build_graph(cfg)
        self.units = nn.ModuleDict({n.name: ConvUnit(n) for n in self.nodes if n.op == "conv"})
        self._init_weights()

    def _init_weights(self):
        for node in self.nodes:
            if node.op != "conv":
                continue
            conv = self.units[node.name].conv
            if node.head:
                nn.init.normal_(conv.weight, std=0.01)
                nn.init.zeros_(conv.bias)
                if node.name.endswith("_cls"):
                    # Start at a face prior of ~1 % so early OHEM sees sensible scores.
                    with torch.no_grad():
                        conv.bias[1::2] = -math.log(99.0)
            else:
                nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
                if conv.bias is not None:
                    nn.init.zeros_(conv.bias)

    def forward(self, image: torch.Tensor) -> dict[str, torch.Tensor]:
        """Returns every module's raw head outputs: {"m1_cls": [N,2K,H,W], "m1_reg": [N,4K,H,W], ...}."""
        t = {"image": image}
        for n in self.nodes:
            if n.op == "conv":
                y = self.units[n.name](t[n.inputs[0]])
            elif n.op == "maxpool":
                y = F.max_pool2d(t[n.inputs[0]], n.kernel, n.stride, n.pad)
            elif n.op == "upsample2x":
                y = F.interpolate(t[n.inputs[0]], scale_factor=2, mode="bilinear", align_corners=False)
            elif n.op == "add":
                y = t[n.inputs[0]] + t[n.inputs[1]]
            elif n.op == "concat":
                y = torch.cat([t[i] for i in n.inputs], dim=1)
            else:
                raise ValueError(n.op)
            if n.relu:
                y = F.relu(y)
            t[n.name] = y
        return {k: t[k] for m, _, _ in MODULES for k in (f"{m}_cls", f"{m}_reg")}


def count_macs(cfg: dict, height: int = 400, width: int = 800) -> list[tuple[str, int, tuple]]:
    """Multiply-accumulates per conv layer at the given (padded) input size."""
    nodes = build_graph(cfg)
    size = {"image": (height, width)}
    rows = []
    for n in nodes:
        h, w = size[n.inputs[0]]
        if n.op in ("conv", "maxpool"):
            oh = (h + 2 * n.pad - n.kernel) // n.stride + 1
            ow = (w + 2 * n.pad - n.kernel) // n.stride + 1
        elif n.op == "upsample2x":
            oh, ow = 2 * h, 2 * w
        else:
            oh, ow = h, w
        size[n.name] = (oh, ow)
        if n.op == "conv":
            rows.append((n.name, oh * ow * n.out_channels * n.in_channels * n.kernel * n.kernel,
                         (n.in_channels, n.out_channels, oh, ow)))
    return rows
