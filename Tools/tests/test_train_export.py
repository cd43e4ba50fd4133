import os

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from conftest import DATA, REPO
from facetools import export, train
from facetools.data import CropDataset, load_sets
from facetools.model import SSH, count_macs, load_backbone

EDGE = os.path.join(REPO, "Configs/backbones/edge.yaml")


def test_edge_backbone_is_within_budget():
    total = sum(m for _, m, _ in count_macs(load_backbone(EDGE), 400, 800))
    assert 0.3e9 < total <= 1.0e9


def test_eval_only_sets_are_refused():
    with pytest.raises(ValueError, match="evaluation-only"):
        load_sets(["eval/caltech_webfaces"], DATA)


def test_crop_dataset_keeps_faces_consistent():
    records = load_sets(["train/caltech_webfaces"], DATA)[:20]
    ds = CropDataset(records, 160, seed=3)
    for i in range(len(ds)):
        img, boxes, ignore = ds[i]
        assert img.shape == (3, 160, 160) and img.dtype == np.float32
        assert np.all(boxes >= 0) and np.all(boxes <= 160)
        assert np.all(boxes[:, 2] > boxes[:, 0]) and np.all(boxes[:, 3] > boxes[:, 1])
        assert abs(img).max() <= 1.0


def test_thirty_iteration_smoke_run_lowers_the_loss(tmp_path):
    # A handful of real images, whole (no jitter), so the loss falls if learning works.
    args = train.parse_args(["--sets", "train/caltech_webfaces", "--data-root", DATA, "--out", str(tmp_path),
                             "--iters", "30", "--batch", "2", "--size", "160", "--lr", "0.01", "--warmup", "1",
                             "--steps", "--workers", "0", "--threads", "1", "--limit-images", "4",
                             "--no-augment", "--log-every", "10", "--ckpt-every", "10"])
    result = train.train(args)
    h = result["history"]
    assert len(h) == 30
    assert np.mean(h[-5:]) < 0.8 * np.mean(h[:5]), h
    state = torch.load(result["checkpoint"], map_location="cpu", weights_only=False)
    assert state["iter"] == 30
    # Resume continues from the checkpoint rather than starting over.
    args.iters = 32
    args.resume = True
    assert train.train(args)["iters"] == 32


def test_a_run_keeps_the_end_of_each_rate_phase_and_its_final_weights(tmp_path):
    args = train.parse_args(["--sets", "train/caltech_webfaces", "--data-root", DATA, "--out", str(tmp_path),
                             "--iters", "8", "--batch", "1", "--size", "128", "--warmup", "1", "--steps", "0.5", "0.75",
                             "--workers", "0", "--threads", "1", "--limit-images", "2", "--no-augment",
                             "--ckpt-every", "100"])
    result = train.train(args)
    assert sorted(os.listdir(tmp_path)) == ["final-8.pt", "last.pt", "phase1-4.pt", "phase2-6.pt"]
    for name, iters in [("phase1-4.pt", 4), ("phase2-6.pt", 6), ("final-8.pt", 8), ("last.pt", 8)]:
        assert torch.load(tmp_path / name, map_location="cpu", weights_only=False)["iter"] == iters
    assert result["final"] == str(tmp_path / "final-8.pt")
    # The weights at a phase's end are those trained at that phase's rate: they differ from the final ones.
    phase1 = torch.load(tmp_path / "phase1-4.pt", map_location="cpu", weights_only=False)["model"]
    final = torch.load(tmp_path / "final-8.pt", map_location="cpu", weights_only=False)["model"]
    assert any(not torch.equal(phase1[k], final[k]) for k in final if final[k].is_floating_point())


def test_export_reload_gives_identical_outputs(tmp_path):
    torch.manual_seed(0)
    cfg = load_backbone(EDGE)
    trained = SSH(cfg)
    # Non-trivial BatchNorm statistics so folding is really exercised.
    trained.train()
    with torch.no_grad():
        for _ in range(3):
            trained(torch.randn(2, 3, 64, 64))
    trained.eval()
    tensors = export.folded_tensors(trained)
    export.write_model(str(tmp_path), "t", cfg, tensors)
    model, desc = export.load_model(str(tmp_path))
    loaded = load_file(os.path.join(tmp_path, "weights.safetensors"))
    assert set(loaded) == set(tensors)
    assert all(torch.equal(loaded[k], tensors[k]) for k in tensors)
    x = torch.randn(1, 3, 96, 128)
    with torch.no_grad():
        a = export.deploy_model(cfg, tensors)(x)
        b = model(x)
        ref = trained(x)
    for k in a:
        assert torch.equal(a[k], b[k])
        r = ref[k]
        if k.endswith("_reg"):
            r = r * torch.tensor([0.1, 0.1, 0.2, 0.2]).repeat(r.shape[1] // 4)[None, :, None, None]
        assert torch.allclose(r, b[k], rtol=1e-4, atol=1e-5)
    assert desc["format"] == "facepipe-ssh/1"
    assert [m["anchor_sizes"] for m in desc["detector"]["modules"]] == [[16, 32], [64, 128], [256, 512]]


def test_packed_subset_stays_within_budget_and_trains(tmp_path):
    import json
    import subprocess
    import sys
    out = tmp_path / "packed"
    subprocess.run([sys.executable, os.path.join(REPO, "Tools/pack_data.py"), "--data-root", DATA, "--out", str(out),
                    "--sets", "train/caltech_webfaces", "pseudo/coco128", "--budget-mib", "0.5", "--long-side", "320"],
                   check=True)
    size = sum(f.stat().st_size for f in out.rglob("*.jpg"))
    assert 0 < size <= 0.5 * 2**20
    lines = [json.loads(x) for x in open(out / "train/caltech_webfaces/labels.jsonl")]
    assert lines and all(max(o["width"], o["height"]) <= 320 for o in lines)
    # Boxes were scaled with the pictures: they stay inside them.
    for o in lines:
        for x, y, w, h in o["boxes"]:
            assert x >= -1 and y >= -1 and x + w <= o["width"] + 1 and y + h <= o["height"] + 1
    with pytest.raises(subprocess.CalledProcessError):
        subprocess.run([sys.executable, os.path.join(REPO, "Tools/pack_data.py"), "--data-root", DATA,
                        "--out", str(tmp_path / "x"), "--sets", "eval/caltech_webfaces"], check=True, capture_output=True)
    # The packed folder trains unchanged.
    args = train.parse_args(["--sets", "train/caltech_webfaces", "--data-root", str(out), "--out", str(tmp_path / "run"),
                             "--iters", "2", "--batch", "2", "--size", "128", "--workers", "0", "--threads", "1"])
    assert train.train(args)["iters"] == 2


def test_vgg16_reference_has_the_paper_layout():
    cfg = load_backbone(os.path.join(REPO, "Configs/backbones/vgg16.yaml"))
    model = SSH(cfg).eval()
    with torch.no_grad():
        out = model(torch.zeros(1, 3, 64, 96))
    # Strides 8/16/32, two anchors per cell: 2K = 4 cls and 4K = 8 reg channels per module.
    assert out["m1_cls"].shape == (1, 4, 8, 12) and out["m1_reg"].shape == (1, 8, 8, 12)
    assert out["m2_cls"].shape == (1, 4, 4, 6) and out["m3_reg"].shape == (1, 8, 2, 3)
    nodes = {n.name: n for n in model.nodes}
    # X = 128 for M1 and 256 for M2/M3; context branches at X/2; M1 fuses conv4_3 with upsampled conv5_3.
    assert nodes["m1_conv"].out_channels == 128 and nodes["m2_conv"].out_channels == 256
    assert nodes["m3_ctx_dimred"].out_channels == 128
    assert nodes["m1_lateral8"].inputs == ["conv4_3"] and nodes["m1_lateral16"].inputs == ["conv5_3"]
    assert nodes["m3_pool"].inputs == ["conv5_3"] and nodes["m1_concat"].relu


def test_wider_layout_folder_trains_unchanged(tmp_path):
    """A WIDER-layout folder (wider_face_train_bbx_gt.txt + WIDER_train/images/<event>/x.jpg), built here from
    training photos, loads with invalid and tiny boxes as ignore regions, and trains."""
    import json
    import shutil
    from facetools.data import load_sets
    src = os.path.join(DATA, "train/caltech_webfaces")
    lines = [json.loads(x) for x in open(os.path.join(src, "labels.jsonl"))][:3]
    root = tmp_path / "WIDER"
    event = root / "WIDER_train" / "images" / "0--Parade"
    event.mkdir(parents=True)
    gt = []
    for o in lines:
        name = os.path.basename(o["image"])
        shutil.copy(os.path.join(src, o["image"]), event / name)
        rows = [f"{round(x)} {round(y)} {round(w)} {round(h)} 0 0 0 0 0 0" for x, y, w, h in o["boxes"]]
        rows.append("5 5 1 1 0 0 0 0 0 0")      # 1 px: not learnable, must become an ignore region
        rows.append("10 10 30 30 0 0 0 1 0 0")  # flagged invalid: ignore region
        gt += [f"0--Parade/{name}", str(len(rows))] + rows
    (root / "wider_face_train_bbx_gt.txt").write_text("\n".join(gt) + "\n")
    records = load_sets([str(root)], DATA)
    assert len(records) == 3
    for rec, o in zip(records, lines):
        assert os.path.exists(rec.path)
        assert len(rec.boxes) == len(o["boxes"]) and len(rec.ignore) == 2
    args = train.parse_args(["--sets", str(root), "--data-root", DATA, "--out", str(tmp_path / "run"),
                             "--iters", "2", "--batch", "2", "--size", "128", "--workers", "0", "--threads", "1"])
    assert train.train(args)["iters"] == 2


def test_warm_start_from_the_shipped_model_computes_what_it_does():
    from facetools.warm_start import warm_start
    folder = os.path.join(REPO, "Configs/models/ssh-lite")
    cfg = load_backbone(os.path.join(REPO, "Configs/backbones/lite.yaml"))
    model = SSH(cfg)
    warm_start(model, folder)
    model.eval()
    shipped, _ = export.load_model(folder)
    x = torch.randn(1, 3, 96, 128, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        got, want = model(x), shipped(x)
    for k in want:
        g = got[k]
        if k.endswith("_reg"):  # training outputs deltas divided by DELTA_STD
            g = g * torch.tensor([0.1, 0.1, 0.2, 0.2]).repeat(g.shape[1] // 4)[None, :, None, None]
        assert torch.allclose(g, want[k], atol=1e-4, rtol=1e-4), k
    with pytest.raises(SystemExit, match="in this backbone"):
        warm_start(SSH(load_backbone(EDGE)), folder)  # another backbone: a clear error, not a silent mix


def test_warm_start_from_a_checkpoint_takes_its_weights_and_lets_batchnorm_train(tmp_path):
    from facetools.warm_start import warm_start
    cfg = load_backbone(os.path.join(REPO, "Configs/backbones/lite.yaml"))
    torch.manual_seed(5)
    trained = SSH(cfg)
    path = str(tmp_path / "last.pt")
    torch.save({"model": trained.state_dict(), "iter": 7}, path)
    model = SSH(cfg)
    assert warm_start(model, path) is False  # unfolded weights: batch statistics keep training
    trained.eval(), model.eval()
    x = torch.randn(1, 3, 64, 96, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        got, want = model(x), trained(x)
    for k in want:
        assert torch.equal(got[k], want[k]), k
    with pytest.raises(SystemExit, match="does not fit this backbone"):
        warm_start(SSH(load_backbone(EDGE)), path)
    torch.save({"weights": 1}, str(tmp_path / "odd.pt"))
    with pytest.raises(SystemExit, match="not a training checkpoint"):
        warm_start(SSH(cfg), str(tmp_path / "odd.pt"))
