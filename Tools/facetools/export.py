"""Exports a trained checkpoint as the model the Swift engine reads (see Configs/models/FORMAT.md):
model.yaml + weights.safetensors (BatchNorm and the regression delta scaling folded in),
optionally model.onnx, and golden tensors for the engine's layer-by-layer tests."""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import torch
import yaml
from PIL import Image
from safetensors.torch import load_file, save_file

from .boxes import detect
from .data import MEAN, STD, preprocess
from .model import DELTA_STD, MODULES, SSH

FORMAT = "facepipe-ssh/1"
DETECTOR = {"score_threshold": 0.5, "nms_iou": 0.3, "pre_nms_top_k": 1000, "max_detections": 750}
INPUT = {"channels": "rgb", "mean": list(MEAN), "std": list(STD), "max_short_side": 400,
         "max_long_side": 800, "pad_multiple": 32}


def deploy_config(cfg: dict) -> dict:
    return {**cfg, "batchnorm": False}


def folded_tensors(model: SSH) -> dict[str, torch.Tensor]:
    """Inference weights: BN folded, reg heads pre-multiplied by DELTA_STD per coordinate."""
    out = {}
    std = torch.tensor(DELTA_STD)
    for node in model.nodes:
        if node.op != "conv":
            continue
        w, b = model.units[node.name].folded()
        if node.name.endswith("_reg"):
            s = std.repeat(node.out_channels // 4)
            w = w * s[:, None, None, None]
            b = b * s
        out[f"{node.name}.weight"] = w.contiguous().float()
        out[f"{node.name}.bias"] = b.contiguous().float()
    return out


def deploy_model(cfg: dict, tensors: dict[str, torch.Tensor]) -> SSH:
    """A BN-free SSH carrying the folded tensors: what the engine computes."""
    model = SSH(deploy_config(cfg)).eval()
    for node in model.nodes:
        if node.op == "conv":
            conv = model.units[node.name].conv
            conv.weight.data.copy_(tensors[f"{node.name}.weight"])
            conv.bias.data.copy_(tensors[f"{node.name}.bias"])
    return model


def model_yaml(name: str, model: SSH, detector: dict | None = None) -> dict:
    return {
        "format": FORMAT,
        "name": name,
        "weights": "weights.safetensors",
        "input": INPUT,
        "layers": [n.to_yaml() for n in model.nodes],
        "detector": {
            "modules": [{"name": m, "stride": s, "anchor_sizes": list(sizes), "cls": f"{m}_cls", "reg": f"{m}_reg"}
                        for m, s, sizes in MODULES],
            **(detector or DETECTOR),
        },
    }


def write_model(out_dir: str, name: str, cfg: dict, tensors: dict, detector: dict | None = None) -> SSH:
    os.makedirs(out_dir, exist_ok=True)
    model = deploy_model(cfg, tensors)
    save_file(tensors, os.path.join(out_dir, "weights.safetensors"), metadata={"format": FORMAT, "name": name})
    with open(os.path.join(out_dir, "model.yaml"), "w") as f:
        f.write(f"# {name}: SSH face detector, written by Tools/export.py (format: Configs/models/FORMAT.md)\n")
        yaml.safe_dump(model_yaml(name, model, detector), f, sort_keys=False, default_flow_style=None, width=140)
    return model


def load_model(model_dir: str) -> tuple[SSH, dict]:
    """Reads an exported model folder back into PyTorch (for checks and Python-side eval)."""
    with open(os.path.join(model_dir, "model.yaml")) as f:
        desc = yaml.safe_load(f)
    if desc.get("format") != FORMAT:
        raise ValueError(f"{model_dir}: format {desc.get('format')!r}, expected {FORMAT}")
    tensors = load_file(os.path.join(model_dir, desc["weights"]))
    cfg = cfg_from_layers(desc["layers"])
    return deploy_model(cfg, tensors), desc


def cfg_from_layers(layers: list[dict]) -> dict:
    """Rebuilds the backbone description from an exported layer list (backbone = layers before m1_lateral8)."""
    backbone = []
    for layer in layers:
        if layer["name"] == "m1_lateral8":
            s8 = layer["inputs"][0]
            break
        if layer["op"] == "maxpool":
            backbone.append({"name": layer["name"], "op": "maxpool"})
        else:
            backbone.append({"name": layer["name"], "out": layer["out_channels"], "kernel": layer["kernel"],
                             "stride": layer["stride"]})
    by = {layer["name"]: layer for layer in layers}
    return {"name": "exported", "batchnorm": False, "layers": backbone,
            "taps": {"stride8": s8, "stride16": by["m1_lateral16"]["inputs"][0]},
            "ssh": {"fusion_channels": by["m1_fuse"]["out_channels"], "m1": by["m1_conv"]["out_channels"],
                    "m2": by["m2_conv"]["out_channels"], "m3": by["m3_conv"]["out_channels"]}}


def write_onnx(model: SSH, path: str, height: int = 416, width: int = 800) -> None:
    names = [k for m, _, _ in MODULES for k in (f"{m}_cls", f"{m}_reg")]

    class Wrapper(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, image):
            out = self.inner(image)
            return tuple(out[n] for n in names)

    torch.onnx.export(Wrapper(model).eval(), torch.zeros(1, 3, height, width), path, input_names=["image"],
                      output_names=names, opset_version=17, dynamo=False,
                      dynamic_axes={"image": {2: "height", 3: "width"}})


def write_golden(model: SSH, desc: dict, image_path: str, out_dir: str) -> None:
    """Input picture -> normalised padded input -> every head output -> final boxes (source pixels)."""
    os.makedirs(out_dir, exist_ok=True)
    img = Image.open(image_path).convert("RGB")
    img.save(os.path.join(out_dir, "input.png"))
    inp = desc["input"]
    tensor, (sx, sy) = preprocess(img, inp["max_short_side"], inp["max_long_side"], inp["pad_multiple"])
    x = torch.from_numpy(tensor)
    with torch.no_grad():
        outputs = model(x)
    d = desc["detector"]
    boxes = detect(outputs, x.shape[2], x.shape[3], d["score_threshold"], d["nms_iou"], d["pre_nms_top_k"],
                   d["max_detections"])
    boxes[:, [0, 2]] /= sx
    boxes[:, [1, 3]] /= sy
    tensors = {"image": x.contiguous(), "boxes": boxes.contiguous()}
    tensors.update({k: v.contiguous() for k, v in outputs.items()})
    save_file(tensors, os.path.join(out_dir, "golden.safetensors"))
    with open(os.path.join(out_dir, "golden.yaml"), "w") as f:
        yaml.safe_dump({"model": desc["name"], "image": "input.png", "source": os.path.basename(image_path),
                        "resized": [int(round(img.size[0] * sx)), int(round(img.size[1] * sy))],
                        "scale": [float(sx), float(sy)], "padded": [int(x.shape[3]), int(x.shape[2])],
                        **{k: d[k] for k in DETECTOR}}, f, sort_keys=False)


def calibrate(cfg: dict, tensors: dict, precision: float, data_root: str | None):
    """Platt calibration folded into the heads and the shipped threshold, on validation pictures."""
    from . import calibration as cal
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    root = data_root or os.path.join(os.path.dirname(repo), "shared", "data")
    groups = cal.validation_groups(root)
    records, free = cal.pooled(groups)
    raw = cal.collect(deploy_model(cfg, tensors), INPUT, DETECTOR, records)
    a, b = cal.fit_platt(raw.scores, raw.is_face)
    tensors = cal.fold_platt(tensors, a, b)
    model = deploy_model(cfg, tensors)
    sets = {name: cal.collect(model, INPUT, DETECTOR, group) for name, group in groups.items()}
    v = cal.merged(list(sets.values()))
    threshold = cal.shipped_threshold(v, {n: s for n, s in sets.items() if n != cal.FACE_FREE_GROUP}, precision)
    print(f"calibration on {len(records)} validation pictures ({free} face-free, {v.faces} faces): "
          f"score' = sigmoid({a:.4f} * logit(score) + {b:.4f}); validation AP@0.5 "
          f"{100 * cal.average_precision(v):.2f}, AP@0.3 {100 * cal.average_precision(v, 0.3):.2f}", file=sys.stderr)
    print(cal.reliability_table(v), file=sys.stderr)
    for t in sorted({0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, threshold}):
        p5, r5, tp, fp = cal.precision_recall(v, t)
        p3, r3, _, _ = cal.precision_recall(v, t, 0.3)
        mark = "  <- shipped" if t == threshold else ""
        print(f"threshold {t:.2f}: IoU 0.5 precision {p5:.3f} recall {r5:.3f} ({tp} TP, {fp} FP); "
              f"IoU 0.3 precision {p3:.3f} recall {r3:.3f}{mark}", file=sys.stderr)
    for name, s in sets.items():
        p5, r5, tp, fp = cal.precision_recall(s, threshold)
        if name == cal.FACE_FREE_GROUP:
            print(f"  face-free: {s.pictures} pictures, {fp} boxes at {threshold:.2f}", file=sys.stderr)
            continue
        own = cal.operating_threshold(s, precision)
        print(f"  {name}: {s.pictures} pictures, {s.faces} faces; at {threshold:.2f} precision {p5:.3f} recall "
              f"{r5:.3f} ({tp} TP, {fp} FP); own threshold for {precision:.2f} precision {own:.2f}"
              + ("" if s.faces >= cal.PER_SET_MIN_FACES else " (too few faces to judge)"), file=sys.stderr)
    return tensors, threshold


def main(argv=None):
    p = argparse.ArgumentParser(prog="Tools/export.py", description=__doc__)
    p.add_argument("checkpoint", nargs="?", help="training checkpoint (last.pt); omit with --random")
    p.add_argument("--random", metavar="BACKBONE_YAML", help="export untrained random weights of this backbone")
    p.add_argument("--out", required=True, help="model folder to write (e.g. Configs/models/ssh-lite)")
    p.add_argument("--name", default="ssh-lite")
    p.add_argument("--calibrate", action="store_true",
                   help="fit score calibration and the shipped threshold on the training side's validation split")
    p.add_argument("--precision", type=float, default=0.95, help="validation precision the shipped threshold must reach, pooled and in each large hand-labelled set")
    p.add_argument("--data-root", default=None, help="data folder for --calibrate (default ../shared/data)")
    p.add_argument("--onnx", action="store_true", help="also write model.onnx")
    p.add_argument("--golden", metavar="IMAGE", help="also write golden tensors for this picture")
    p.add_argument("--golden-out", default=None, help="golden folder (default Tests/Fixtures/golden/<name>)")
    a = p.parse_args(argv)
    torch.manual_seed(0)
    if a.random:
        from .model import load_backbone
        cfg = load_backbone(a.random)
        trained = SSH(cfg).eval()
    else:
        state = torch.load(a.checkpoint, map_location="cpu", weights_only=False)
        cfg = state["backbone"]
        trained = SSH(cfg)
        trained.load_state_dict(state["model"])
        trained.eval()
    tensors = folded_tensors(trained)
    detector = dict(DETECTOR)
    if a.calibrate:
        tensors, detector["score_threshold"] = calibrate(cfg, tensors, a.precision, a.data_root)
    model = write_model(a.out, a.name, cfg, tensors, detector)
    # The folded model must compute what the trained one does (BN in eval mode).
    x = torch.randn(1, 3, 64, 96)
    with torch.no_grad():
        ref, got = trained(x), model(x)
    std = torch.tensor(DELTA_STD)
    for k in ref:
        r = ref[k]
        if k.endswith("_reg"):
            r = r * std.repeat(r.shape[1] // 4)[None, :, None, None]
        err = (r - got[k]).abs().max().item() / max(1e-6, r.abs().max().item())
        if err > 1e-4 and not (a.calibrate and k.endswith("_cls")):  # calibration rescales the cls heads
            sys.exit(f"export check failed: {k} differs by {err:.2e} after folding")
    desc = model_yaml(a.name, model, detector)
    if a.onnx:
        write_onnx(model, os.path.join(a.out, "model.onnx"))
    if a.golden:
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        write_golden(model, desc, a.golden, a.golden_out or os.path.join(repo, "Tests/Fixtures/golden", a.name))
    print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
