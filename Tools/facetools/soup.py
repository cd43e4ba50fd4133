"""Weight averaging ("model soup", Wortsman et al., ICML 2022) of runs that share one start.

Fine-tuning runs started from the same weights (other seeds, rates, sampling) end in one basin,
so the mean of their weights is a network too, and often a better one than any of them. The
greedy soup keeps an ingredient only if the mean with it scores at least as well on the
validation split. Ingredients are tried in order of their own AP (the whole ranking: steadier
than any one operating point on a validation split this size); a soup is judged on the recall
it reaches near the target precision (the mean over target -0.02 ... +0.02, since recall at one
precision moves in steps of a few faces), AP breaking ties. Calibration comes after, at export.
"""
from __future__ import annotations

import os
from typing import Callable

import numpy as np
import torch

from .model import SSH
from .warm_start import warm_start

State = dict[str, torch.Tensor]


def load_ingredient(source: str, backbone: dict) -> State:
    """A training checkpoint's weights, or an exported folder's as `--init` takes them."""
    model = SSH(backbone)
    if os.path.isfile(source):
        state = torch.load(source, map_location="cpu", weights_only=False)
        if not isinstance(state, dict) or "model" not in state:
            raise SystemExit(f"{source}: not a training checkpoint (no 'model' entry)")
        if state.get("backbone") != backbone:
            raise SystemExit(f"{source}: another backbone than the first checkpoint's")
        model.load_state_dict(state["model"])
    else:
        warm_start(model, source)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def average(states: list[State]) -> State:
    """The mean of learnt tensors. BatchNorm statistics must agree: ingredients whose running
    statistics differ were not trained from one frozen start, and their mean is no network."""
    if not states:
        raise ValueError("no ingredients")
    out = {}
    for key, first in states[0].items():
        if "running_" in key:
            for s in states[1:]:
                if not torch.allclose(s[key], first, atol=1e-5):
                    raise ValueError(f"'{key}' differs between ingredients: they do not share a frozen start")
            out[key] = first.clone()
        elif first.is_floating_point():
            out[key] = torch.stack([s[key] for s in states]).mean(0)
        else:
            out[key] = first.clone()
    return out


def recall_at_precision(scores: np.ndarray, is_face: np.ndarray, faces: int, target: float) -> float:
    """The most recall any threshold gives while precision stays at or above `target`."""
    order = np.argsort(-scores, kind="stable")
    hit = is_face[order]
    tp = np.cumsum(hit)
    precision = tp / np.arange(1, len(hit) + 1)
    ok = precision >= target
    return float(tp[ok].max() / max(faces, 1)) if ok.any() else 0.0


def recall_near_precision(scores: np.ndarray, is_face: np.ndarray, faces: int, target: float,
                          spread: float = 0.02) -> float:
    """Mean recall at precision targets target - spread ... target + spread, 0.01 apart."""
    steps = int(round(spread * 100))
    return float(np.mean([recall_at_precision(scores, is_face, faces, target + k / 100)
                          for k in range(-steps, steps + 1)]))


def greedy(ingredients: list[str], judge: Callable[[list[str]], tuple[float, float]],
           log: Callable[[str], None] = print) -> list[str]:
    """Ingredients by their own AP, best first; each kept if the soup does not get worse.
    `judge(names)` scores the mean of those ingredients: (recall near the target precision, AP)."""
    alone = {name: judge([name]) for name in ingredients}
    for name in ingredients:
        log(f"alone  {name}: recall {100 * alone[name][0]:.1f} %, AP {100 * alone[name][1]:.2f}")
    ranked = sorted(ingredients, key=lambda n: (alone[n][1], alone[n][0]), reverse=True)
    soup, best = [ranked[0]], alone[ranked[0]]
    for name in ranked[1:]:
        score = judge(soup + [name])
        kept = score >= best
        log(f"{'added ' if kept else 'left  '} {name}: recall {100 * score[0]:.1f} %, AP {100 * score[1]:.2f}")
        if kept:
            soup, best = soup + [name], score
    return soup


def main(argv=None):
    import argparse
    import sys

    from . import calibration as cal
    from .export import DETECTOR, INPUT, deploy_model, folded_tensors

    p = argparse.ArgumentParser(prog="Tools/soup.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("ingredients", nargs="+", metavar="CKPT|MODEL_DIR",
                   help="training checkpoints (.pt) or exported folders that share one frozen start")
    p.add_argument("--out", required=True, help="checkpoint to write (export it with Tools/export.py --calibrate)")
    p.add_argument("--greedy", action="store_true",
                   help="keep only the ingredients that help on the validation split (default: mean of all)")
    p.add_argument("--precision", type=float, default=0.95, help="the precision recall is judged at")
    p.add_argument("--data-root", default=None, help="data folder (default ../shared/data)")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)

    first = next((s for s in a.ingredients if os.path.isfile(s)), None)
    if first is None:
        raise SystemExit("give at least one training checkpoint (.pt): it names the backbone")
    backbone = torch.load(first, map_location="cpu", weights_only=False)["backbone"]
    states = {name: load_ingredient(name, backbone) for name in a.ingredients}
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    records, _ = cal.validation_records(a.data_root or os.path.join(os.path.dirname(repo), "shared", "data"))

    def judge(names: list[str]) -> tuple[float, float]:
        model = SSH(backbone)
        model.load_state_dict(average([states[n] for n in names]))
        model.eval()
        v = cal.collect(deploy_model(backbone, folded_tensors(model)), INPUT, DETECTOR, records)
        return recall_near_precision(v.scores, v.is_face, v.faces, a.precision), cal.average_precision(v)

    chosen = greedy(a.ingredients, judge, lambda line: print(line, flush=True)) if a.greedy else a.ingredients
    torch.save({"model": average([states[n] for n in chosen]), "backbone": backbone, "iter": 0,
                "soup": chosen}, a.out)
    print(f"soup of {len(chosen)}: {' '.join(chosen)} -> {a.out}", file=sys.stderr)
