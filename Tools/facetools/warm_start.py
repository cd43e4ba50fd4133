"""Start training from an exported model, not from scratch.

Training checkpoints live outside git and do not outlive a machine; the shipped model does.
Its weights have BatchNorm, the regression scaling and the score calibration folded in, so
each conv takes its folded weights back (regression heads divided by DELTA_STD again) and each
BatchNorm starts as the identity (scale 1, shift = the folded bias, running mean 0 and
variance 1 - eps). In eval mode the network then computes exactly what the exported model
does; in training, batch statistics take over from there.
"""
from __future__ import annotations

import os

import torch
from safetensors.torch import load_file

from .model import DELTA_STD, SSH


def warm_start(model: SSH, source: str) -> bool:
    """Load `source` (an exported model folder or a training checkpoint `.pt`) into `model`.
    Returns True when the weights came folded, so BatchNorm statistics must stay frozen."""
    if os.path.isfile(source):
        load_checkpoint_weights(model, source)
        return False
    folder = source
    path = os.path.join(folder, "weights.safetensors")
    if not os.path.exists(path):
        raise SystemExit(f"--init {folder}: no weights.safetensors (give an exported model folder)")
    tensors = load_file(path)
    std = torch.tensor(DELTA_STD)
    for node in model.nodes:
        if node.op != "conv":
            continue
        name = node.name
        if f"{name}.weight" not in tensors:
            raise SystemExit(f"--init {folder}: no tensor for layer '{name}' (another backbone?)")
        w, b = tensors[f"{name}.weight"], tensors[f"{name}.bias"]
        if name.endswith("_reg"):
            s = std.repeat(node.out_channels // 4)
            w, b = w / s[:, None, None, None], b / s
        unit = model.units[name]
        if unit.conv.weight.shape != w.shape:
            raise SystemExit(f"--init {folder}: layer '{name}' is {tuple(w.shape)} there, "
                             f"{tuple(unit.conv.weight.shape)} in this backbone")
        with torch.no_grad():
            unit.conv.weight.copy_(w)
            if unit.bn is not None:
                unit.bn.weight.fill_(1.0)
                unit.bn.bias.copy_(b)
                unit.bn.running_mean.zero_()
                unit.bn.running_var.fill_(1.0 - unit.bn.eps)
            else:
                unit.conv.bias.copy_(b)
    return True


def load_checkpoint_weights(model: SSH, path: str) -> None:
    """Weights only from a checkpoint: a new run (schedule, optimizer) that starts where another ended."""
    state = torch.load(path, map_location="cpu", weights_only=False)
    if not isinstance(state, dict) or "model" not in state:
        raise SystemExit(f"--init {path}: not a training checkpoint (no 'model' entry)")
    try:
        model.load_state_dict(state["model"])
    except RuntimeError as error:
        raise SystemExit(f"--init {path}: does not fit this backbone ({str(error).splitlines()[0]})")
