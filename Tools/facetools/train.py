"""Trains the SSH detector. CPU by default (a 2-core machine can train the edge model in
under two hours); `--device cuda` uses a GPU. Checkpoints are plain state dicts that load
on either, and `--resume` continues a run where it stopped."""
from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import sys
import time

import numpy as np
import torch

from . import mining
from .boxes import all_anchors
from .data import CropDataset, collate, load_sets
from .loss import MIN_NEGATIVES, NEG_PER_POS, ssh_loss
from .model import SSH, load_backbone
from .sampling import MixedBatches
from .splits import split
from .warm_start import warm_start

# Sampling weights: the hand-labelled sets (the style eval/ uses) most; video frames, which
# are what facepipe meets, fully; the helmet set (augmented copies) and the near-duplicate
# pedestrian frames less. Face-free pictures come through --face-free-per-batch.
DEFAULT_SETS = [
    "train/eden_mask_wearing", "train/caltech_webfaces", "train/kaggle_face_mask:0.3",
    "pseudo/coco128", "pseudo/shanghaitech_partb_subset", "pseudo/pedestrian_streets_lschen:0.5",
    "pseudo/helmet_sites_tigerandrosa:0.4", "pseudo/video_frames", "pseudo/scenes",
]


def parse_args(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(prog="Tools/train.py", description=__doc__)
    p.add_argument("--backbone", default=os.path.join(repo, "Configs/backbones/lite.yaml"))
    p.add_argument("--data-root", default=os.path.join(os.path.dirname(repo), "shared/data"),
                   help="folder the --sets are relative to (default ../shared/data)")
    p.add_argument("--sets", nargs="+", default=DEFAULT_SETS,
                   help="labels.jsonl folders or WIDER-layout folders, each optionally ':weight' (sampling weight)")
    p.add_argument("--out", default=os.path.join(repo, "runs/lite"), help="run folder (checkpoints, log)")
    p.add_argument("--size", type=int, default=320, help="square training crop size")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--iters", type=int, default=6000)
    p.add_argument("--lr", type=float, default=0.02)
    p.add_argument("--budget-minutes", type=float, default=0,
                   help="wall-clock budget: the schedule follows max(iteration, time) progress and "
                        "training stops when either runs out, so a slow machine still finishes its schedule")
    p.add_argument("--warmup", type=int, default=300, help="linear warm-up iterations")
    p.add_argument("--steps", type=float, nargs="*", default=[0.7, 0.9],
                   help="fractions of --iters where the learning rate drops 10x")
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--neg-per-pos", type=int, default=NEG_PER_POS, help="OHEM: hardest negatives per positive")
    p.add_argument("--min-negatives", type=int, default=MIN_NEGATIVES, help="OHEM: hardest negatives per picture at least")
    p.add_argument("--face-free-per-batch", type=int, default=1,
                   help="crops of face-free pictures in every batch (hard negatives at run scale)")
    p.add_argument("--device", default="cpu", help="cpu, cuda, or auto")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: all cores)")
    p.add_argument("--workers", type=int, default=1, help="data loading processes")
    p.add_argument("--log-every", type=int, default=20)
    p.add_argument("--ckpt-every", type=int, default=200)
    p.add_argument("--resume", action="store_true", help="continue from OUT/last.pt if present")
    p.add_argument("--init", metavar="MODEL_DIR|CKPT",
                   help="start from an exported model folder (e.g. Configs/models/ssh-lite) or the weights of a "
                        "training checkpoint (.pt) instead of random weights; the schedule starts afresh")
    p.add_argument("--hard-negatives", metavar="FILE",
                   help="mined hard negatives (Tools/mine_negatives.py): crops centred on them, their pictures drawn more often")
    p.add_argument("--hard-weight", type=float, default=2.0,
                   help="sampling weight multiplier of pictures with hard negatives")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-augment", action="store_true", help="whole images, no jitter (smoke tests)")
    p.add_argument("--limit-images", type=int, default=0, help="use only the first N images (smoke runs)")
    return p.parse_args(argv)


def progress(args, it: int, elapsed: float) -> float:
    """Fraction of the schedule done: by iterations, or by wall clock when a budget is set."""
    p = it / args.iters
    if args.budget_minutes > 0:
        p = max(p, elapsed / (60.0 * args.budget_minutes))
    return p


def learning_rate(args, it: int, done: float) -> float:
    lr = args.lr * min(1.0, (it + 1) / max(1, args.warmup))
    for _ in range(phase(args, done)):
        lr *= 0.1
    return lr


def phase(args, done: float) -> int:
    """How many learning-rate steps the schedule has passed."""
    return sum(done >= s for s in args.steps)


def save_checkpoint(path: str, model, optimizer, it: int, elapsed: float, cfg: dict, args) -> None:
    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "iter": it,
                "elapsed": elapsed, "backbone": cfg, "args": vars(args)}, tmp)
    os.replace(tmp, path)  # never leave a half-written checkpoint behind


def train(args) -> dict:
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          (args.device if args.device != "auto" else "cpu"))
    cfg = load_backbone(args.backbone)
    records, held_out = split(load_sets(args.sets, args.data_root))
    if args.limit_images:
        records = records[:args.limit_images]
    if not records:
        raise SystemExit("no training images found")
    if args.hard_negatives:
        with_hard = mining.attach(records, mining.read(args.hard_negatives, args.data_root), args.hard_weight)
        print(f"hard negatives from {args.hard_negatives} on {with_hard} training pictures "
              f"(drawn x{args.hard_weight:g})", file=sys.stderr)
    model = SSH(cfg)
    frozen_statistics = warm_start(model, args.init) if args.init else False  # --resume below still wins
    model = model.to(device)
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim == 1 else decay).append(p)
    optimizer = torch.optim.SGD([{"params": decay, "weight_decay": args.weight_decay},
                                 {"params": no_decay, "weight_decay": 0.0}],
                                lr=args.lr, momentum=args.momentum)
    os.makedirs(args.out, exist_ok=True)
    ckpt = os.path.join(args.out, "last.pt")
    start = 0
    elapsed_before = 0.0
    if args.resume and os.path.exists(ckpt):
        state = torch.load(ckpt, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start = state["iter"]
        elapsed_before = state.get("elapsed", 0.0)
        print(f"resumed from {ckpt} at iteration {start}", file=sys.stderr)

    dataset = CropDataset(records, args.size, seed=args.seed, augment=not args.no_augment)
    dataset.epoch = start  # a resumed run draws new crops, not the first ones again
    sampler = MixedBatches(records, args.batch, args.face_free_per_batch, seed=args.seed + start)
    loader = torch.utils.data.DataLoader(dataset, batch_sampler=sampler, collate_fn=collate,
                                         num_workers=args.workers)
    anchors = all_anchors(args.size, args.size)
    print(f"training {cfg['name']} on {len(records)} images from {len(args.sets)} sets "
          f"({sum(r.face_free for r in records)} face-free; {len(held_out)} held out for validation), "
          f"{args.iters} iterations, batch {args.batch} ({sampler.n_free} face-free), size {args.size}, "
          f"device {device}", file=sys.stderr)
    model.train()
    if frozen_statistics:
        # Batch statistics would replace the folded ones and scramble the warm start: keep the
        # BatchNorm statistics frozen (their scale and shift still learn).
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.eval()
    stream = iter(loader)
    t0 = time.time()
    seen = 0
    history = []
    it = start
    # The candidates a run is chosen among on the validation split: the weights at the end of each
    # learning-rate phase (phase1-ITER.pt, ...) and at the end (final-ITER.pt), kept beside last.pt.
    current_phase = phase(args, progress(args, start, elapsed_before))
    finished = start
    for it in range(start, args.iters):
        elapsed = elapsed_before + time.time() - t0
        done = progress(args, it, elapsed)
        if done >= 1.0:
            print(f"time budget of {args.budget_minutes} min used at iteration {it}", file=sys.stderr)
            break
        if (now := phase(args, done)) > current_phase:
            current_phase = now
            save_checkpoint(os.path.join(args.out, f"phase{current_phase}-{it}.pt"), model, optimizer, it, elapsed,
                            cfg, args)
        images, gts, ignores = next(stream)
        lr = learning_rate(args, it, done)
        for g in optimizer.param_groups:
            g["lr"] = lr
        outputs = model(images.to(device))
        loss, parts = ssh_loss(outputs, gts, ignores, anchors, args.neg_per_pos, args.min_negatives)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        optimizer.step()
        seen += images.shape[0]
        history.append(loss.item())
        if not math.isfinite(history[-1]):
            raise SystemExit(f"loss is not finite at iteration {it}: {parts}")
        if (it + 1) % args.log_every == 0 or it + 1 == args.iters:
            dt = time.time() - t0
            recent = history[-args.log_every:]
            print(f"iter {it + 1}/{args.iters} lr {lr:.4g} loss {sum(recent) / len(recent):.4f} "
                  f"cls {parts['cls']:.4f} reg {parts['reg']:.4f} neg {parts['neg']} "
                  f"pos m1/m2/m3 {parts['pos_m1']}/{parts['pos_m2']}/{parts['pos_m3']} "
                  f"{seen / dt:.1f} img/s", file=sys.stderr, flush=True)
        finished = it + 1
        if finished % args.ckpt_every == 0:
            save_checkpoint(ckpt, model, optimizer, finished, elapsed_before + time.time() - t0, cfg, args)
    elapsed = elapsed_before + time.time() - t0
    save_checkpoint(ckpt, model, optimizer, finished, elapsed, cfg, args)
    final = os.path.join(args.out, f"final-{finished}.pt")
    shutil.copyfile(ckpt, final)
    return {"history": history, "checkpoint": ckpt, "final": final, "iters": finished}


def main(argv=None):
    train(parse_args(argv))


if __name__ == "__main__":
    main()
