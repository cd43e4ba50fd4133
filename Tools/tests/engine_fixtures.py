"""Writes the Swift engine's test fixture: a small random-weight model that uses every op
of the facepipe-ssh/1 format (Configs/models/FORMAT.md), and PyTorch's output for every
layer at two input sizes.

    .venv/bin/python Tools/tests/engine_fixtures.py  [--out Tests/Fixtures/engine/tiny]

The model is run by a plain interpreter of model.yaml built on torch.nn.functional, so the
reference is PyTorch's own conv / max_pool2d / interpolate, not a re-derivation.
Deterministic (fixed seed): re-running rewrites identical files.
"""
import argparse
import os

import torch
import torch.nn.functional as F
import yaml
from safetensors.torch import save_file

# Covers: 3x3 s2, 5x5, grouped, 1x1 direct, 1x1 stride 2, maxpool with and without padding,
# upsample, add(+relu), concat(+relu), concat without relu, heads without relu.
LAYERS = [
    dict(name="stem1", op="conv", inputs=["image"], out_channels=8, kernel=3, stride=2, pad=1, relu=True),
    dict(name="stem2", op="conv", inputs=["stem1"], out_channels=12, kernel=5, stride=1, pad=2, relu=True),
    dict(name="pool", op="maxpool", inputs=["stem2"], kernel=3, stride=2, pad=1),
    dict(name="b1", op="conv", inputs=["pool"], out_channels=16, kernel=3, stride=2, pad=1, relu=True),
    dict(name="b1g", op="conv", inputs=["b1"], out_channels=16, kernel=3, stride=1, pad=1, relu=True, groups=2),
    dict(name="b2", op="conv", inputs=["b1g"], out_channels=24, kernel=3, stride=2, pad=1, relu=True),
    dict(name="b2_proj", op="conv", inputs=["b2"], out_channels=16, kernel=1, stride=1, pad=0, relu=False),
    dict(name="up", op="upsample2x", inputs=["b2_proj"]),
    dict(name="lat", op="conv", inputs=["b1g"], out_channels=16, kernel=1, stride=1, pad=0, relu=False),
    dict(name="fuse", op="add", inputs=["lat", "up"], relu=True),
    dict(name="ctx_a", op="conv", inputs=["fuse"], out_channels=8, kernel=3, stride=1, pad=1, relu=True),
    dict(name="ctx_b", op="conv", inputs=["ctx_a"], out_channels=8, kernel=3, stride=1, pad=1, relu=False),
    dict(name="m1_cat", op="concat", inputs=["fuse", "ctx_a", "ctx_b"], relu=True),
    dict(name="m1_cls", op="conv", inputs=["m1_cat"], out_channels=4, kernel=1, stride=1, pad=0, relu=False),
    dict(name="m1_reg", op="conv", inputs=["m1_cat"], out_channels=8, kernel=1, stride=1, pad=0, relu=False),
    dict(name="m2_cls", op="conv", inputs=["b2"], out_channels=4, kernel=3, stride=1, pad=1, relu=False),
    dict(name="m2_reg", op="conv", inputs=["b2"], out_channels=8, kernel=3, stride=1, pad=1, relu=False),
    dict(name="b3", op="conv", inputs=["b2"], out_channels=16, kernel=1, stride=2, pad=0, relu=True),
    dict(name="b3_pool", op="maxpool", inputs=["b2"], kernel=2, stride=2, pad=0),
    dict(name="b3_cat", op="concat", inputs=["b3", "b3_pool"], relu=False),
    dict(name="m3_cls", op="conv", inputs=["b3_cat"], out_channels=2, kernel=3, stride=1, pad=1, relu=False),
    dict(name="m3_reg", op="conv", inputs=["b3_cat"], out_channels=4, kernel=3, stride=1, pad=1, relu=False),
]

MODEL = {
    "format": "facepipe-ssh/1",
    "name": "engine-test-tiny",
    "weights": "weights.safetensors",
    "input": {"channels": "rgb", "mean": [127.5, 127.5, 127.5], "std": [128.0, 128.0, 128.0],
              "max_short_side": 400, "max_long_side": 800, "pad_multiple": 32},
    "layers": LAYERS,
    "detector": {
        "modules": [
            {"name": "m1", "stride": 8, "anchor_sizes": [16, 32], "cls": "m1_cls", "reg": "m1_reg"},
            {"name": "m2", "stride": 16, "anchor_sizes": [64, 128], "cls": "m2_cls", "reg": "m2_reg"},
            {"name": "m3", "stride": 32, "anchor_sizes": [256], "cls": "m3_cls", "reg": "m3_reg"},
        ],
        "score_threshold": 0.5, "nms_iou": 0.3, "pre_nms_top_k": 1000, "max_detections": 750,
    },
}

# (height, width): both multiples of 32 (the model's pad rule), one not square.
SIZES = [(64, 96), (96, 32)]


def make_weights(gen):
    channels = {"image": 3}
    weights = {}
    for layer in LAYERS:
        ins = [channels[i] for i in layer["inputs"]]
        if layer["op"] == "conv":
            g = layer.get("groups", 1)
            k = layer["kernel"]
            fan_in = ins[0] // g * k * k
            shape = (layer["out_channels"], ins[0] // g, k, k)
            weights[layer["name"] + ".weight"] = torch.randn(shape, generator=gen) * (2.0 / fan_in) ** 0.5
            weights[layer["name"] + ".bias"] = torch.rand(layer["out_channels"], generator=gen) * 0.2 - 0.1
            channels[layer["name"]] = layer["out_channels"]
        elif layer["op"] == "concat":
            channels[layer["name"]] = sum(ins)
        else:
            channels[layer["name"]] = ins[0]
    return weights


def run_graph(layers, weights, image):
    """Interprets model.yaml layers with torch.nn.functional; returns every tensor by name."""
    t = {"image": image}
    for layer in layers:
        x = [t[i] for i in layer["inputs"]]
        op = layer["op"]
        if op == "conv":
            y = F.conv2d(x[0], weights[layer["name"] + ".weight"], weights[layer["name"] + ".bias"],
                         stride=layer["stride"], padding=layer["pad"], groups=layer.get("groups", 1))
        elif op == "maxpool":
            y = F.max_pool2d(x[0], layer["kernel"], layer["stride"], layer["pad"])
        elif op == "upsample2x":
            y = F.interpolate(x[0], scale_factor=2, mode="bilinear", align_corners=False)
        elif op == "add":
            y = x[0] + x[1]
        elif op == "concat":
            y = torch.cat(x, dim=1)
        else:
            raise ValueError(f"unknown op {op}")
        if layer.get("relu", False):
            y = F.relu(y)
        t[layer["name"]] = y
    return t


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "..", "Tests", "Fixtures", "engine", "tiny")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=default_out)
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    gen = torch.Generator().manual_seed(20261122)
    weights = make_weights(gen)
    save_file({k: v.contiguous() for k, v in weights.items()}, os.path.join(args.out, "weights.safetensors"))
    with open(os.path.join(args.out, "model.yaml"), "w") as f:
        f.write("# Written by Tools/tests/engine_fixtures.py: random weights, for engine tests only.\n")
        yaml.safe_dump(MODEL, f, sort_keys=False, default_flow_style=None, width=120)

    with torch.no_grad():
        for h, w in SIZES:
            image = torch.randn((1, 3, h, w), generator=gen)
            tensors = run_graph(LAYERS, weights, image)
            save_file({k: v.contiguous() for k, v in tensors.items()},
                      os.path.join(args.out, f"expected_{h}x{w}.safetensors"))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
