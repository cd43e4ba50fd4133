"""Score calibration: the Platt fit recovers a known map, folding it into the heads gives the
engine exactly the calibrated scores, and the threshold rule picks the most recall that the
precision target allows."""
import os

import numpy as np
import torch

from conftest import REPO
from facetools import calibration as cal
from facetools.boxes import flatten_heads
from facetools.export import deploy_model, folded_tensors
from facetools.model import MODULES, SSH, load_backbone


def test_platt_fit_recovers_a_known_map():
    rng = np.random.default_rng(0)
    raw = 1 / (1 + np.exp(-rng.normal(0, 3, 40000)))
    truth = rng.random(raw.size) < cal.calibrated(raw, 0.5, -1.0)
    a, b = cal.fit_platt(raw, truth)
    assert abs(a - 0.5) < 0.05 and abs(b + 1.0) < 0.1


def test_folded_heads_give_calibrated_scores():
    torch.manual_seed(0)
    cfg = load_backbone(os.path.join(REPO, "Configs/backbones/lite.yaml"))
    model = SSH(cfg).eval()
    with torch.no_grad():  # spread the face logits so the map is visible
        for m, _, _ in MODULES:
            model.units[f"{m}_cls"].conv.weight.normal_(0, 0.5)
    tensors = folded_tensors(model)
    x = torch.randn(1, 3, 64, 96)
    a, b = 0.7, -0.4
    with torch.no_grad():
        before = deploy_model(cfg, tensors)(x)
        after = deploy_model(cfg, cal.fold_platt(tensors, a, b))(x)
    for m, _, sizes in MODULES:
        p0 = torch.softmax(flatten_heads(before, m, len(sizes))[0], -1)[..., 1].double().numpy()
        p1 = torch.softmax(flatten_heads(after, m, len(sizes))[0], -1)[..., 1].double().numpy()
        assert np.allclose(p1, cal.calibrated(p0, a, b), atol=1e-5)
        assert torch.equal(before[f"{m}_reg"], after[f"{m}_reg"])


def test_operating_threshold_is_the_lowest_that_reaches_the_precision():
    scores = np.array([0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.5, 0.4])
    faces = np.array([1, 1, 1, 1, 1, 1, 0, 1, 0, 0], bool)
    v = cal.Validation(scores, faces, faces, faces=8, pictures=3, face_free_pictures=1)
    # Precision >= 0.85 holds down to the box at 0.6 (7 of 8 = 0.875) and fails with the one at 0.5 (7 of 9).
    assert cal.operating_threshold(v, 0.85) == 0.51
    assert cal.operating_threshold(v, 1.0) == 0.66
    p, r, tp, fp = cal.precision_recall(v, 0.6)
    assert (tp, fp) == (7, 1) and abs(r - 7 / 8) < 1e-12


def test_shipped_threshold_holds_in_every_set_large_enough_to_judge():
    def validation(scores, faces, labelled):
        hit = np.array(faces, bool)
        return cal.Validation(np.array(scores, np.float64), hit, hit, faces=labelled, pictures=10, face_free_pictures=0)
    # Pooled, "easy" pays for "hard": precision 0.9 is reached at 0.51, but "hard" alone needs 0.71.
    easy = validation([0.9, 0.8, 0.7, 0.6, 0.5, 0.4] * 60, [1, 1, 1, 1, 1, 1] * 60, 2 * cal.PER_SET_MIN_FACES)
    hard = validation([0.9, 0.8, 0.75, 0.7, 0.6, 0.5] * 40, [1, 1, 1, 0, 1, 0] * 40, cal.PER_SET_MIN_FACES)
    tiny = validation([0.95, 0.9], [0, 0], 2)
    pooled = cal.merged([easy, hard, tiny])
    assert pooled.faces == 3 * cal.PER_SET_MIN_FACES + 2 and len(pooled.scores) == 602
    assert cal.operating_threshold(pooled, 0.9) == 0.51
    assert cal.operating_threshold(hard, 0.9) == 0.71
    # The tiny set (two false boxes at 0.9 and more) is too small to judge; the others are met.
    assert cal.shipped_threshold(pooled, {"easy": easy, "hard": hard, "tiny": tiny}, 0.9) == 0.71
    assert cal.shipped_threshold(pooled, {}, 0.9) == cal.operating_threshold(pooled, 0.9)
