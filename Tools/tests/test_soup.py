import os

import numpy as np
import pytest
import torch

from conftest import REPO
from facetools.model import SSH, load_backbone
from facetools.soup import average, greedy, load_ingredient, recall_at_precision, recall_near_precision

LITE = load_backbone(os.path.join(REPO, "Configs/backbones/lite.yaml"))


def checkpoint(tmp_path, name, seed, backbone=LITE):
    torch.manual_seed(seed)
    model = SSH(backbone)
    path = tmp_path / f"{name}.pt"
    torch.save({"model": model.state_dict(), "backbone": backbone}, path)
    return str(path), model.state_dict()


def test_soup_is_the_mean_of_learnt_weights(tmp_path):
    a_path, a = checkpoint(tmp_path, "a", 1)
    b_path, b = checkpoint(tmp_path, "b", 2)
    soup = average([load_ingredient(a_path, LITE), load_ingredient(b_path, LITE)])
    w = "units.conv1.conv.weight"
    assert not torch.equal(a[w], b[w])
    assert torch.allclose(soup[w], (a[w] + b[w]) / 2)
    assert soup["units.conv1.bn.num_batches_tracked"].dtype == torch.int64
    # The soup is a network of the same shape.
    SSH(LITE).load_state_dict(soup)


def test_ingredients_from_different_starts_are_refused(tmp_path):
    a_path, _ = checkpoint(tmp_path, "a", 1)
    b_path, _ = checkpoint(tmp_path, "b", 2)
    a, b = load_ingredient(a_path, LITE), load_ingredient(b_path, LITE)
    b["units.conv2.bn.running_mean"] += 0.5
    with pytest.raises(ValueError, match="running_mean"):
        average([a, b])


def test_a_checkpoint_of_another_backbone_is_refused(tmp_path):
    edge = load_backbone(os.path.join(REPO, "Configs/backbones/edge.yaml"))
    path, _ = checkpoint(tmp_path, "edge", 1, edge)
    with pytest.raises(SystemExit, match="another backbone"):
        load_ingredient(path, LITE)


def test_recall_at_precision_takes_the_best_threshold_that_keeps_precision():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    is_face = np.array([True, True, False, True, True, False])
    # Top 2: P 1.0 R 0.4; top 4: P 0.75 R 0.6; top 5: P 0.8 R 0.8 (5 faces labelled).
    assert recall_at_precision(scores, is_face, 5, 0.8) == pytest.approx(0.8)
    assert recall_at_precision(scores, is_face, 5, 0.95) == pytest.approx(0.4)
    assert recall_at_precision(scores, ~is_face, 5, 0.95) == 0.0


def test_greedy_soup_starts_from_the_best_ap_and_keeps_only_what_helps():
    # Ranked by AP (b, a, c) even though a's recall alone is lower than c's.
    table = {frozenset("a"): (0.70, 0.90), frozenset("b"): (0.85, 0.92), frozenset("c"): (0.80, 0.80),
             frozenset("ba"): (0.86, 0.91), frozenset("bac"): (0.84, 0.95)}
    asked = []

    def judge(names):
        asked.append("".join(names))
        return table[frozenset("".join(names))]

    assert greedy(["a", "b", "c"], judge, log=lambda _: None) == ["b", "a"]
    assert asked == ["a", "b", "c", "ba", "bac"]


def test_recall_near_precision_averages_over_neighbouring_targets():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    is_face = np.array([True, True, False, True, True, False])
    expected = np.mean([recall_at_precision(scores, is_face, 5, t) for t in (0.78, 0.79, 0.8, 0.81, 0.82)])
    assert recall_near_precision(scores, is_face, 5, 0.8) == pytest.approx(expected)
    # 0.78-0.80 reach 0.8 recall, 0.81-0.82 only 0.4.
    assert expected == pytest.approx((3 * 0.8 + 2 * 0.4) / 5)
