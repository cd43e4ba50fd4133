import math

import torch

from facetools.boxes import all_anchors, decode, encode, iou_matrix, module_anchors, nms
from facetools.loss import assign, ohem_select


def test_anchor_layout_matches_head_channels():
    a = module_anchors(8, (16, 32), 2, 3)
    assert a.shape == (2 * 3 * 2, 4)
    # (y, x, k) order: first the two anchors of cell (0, 0), centred at (4, 4).
    assert a[0].tolist() == [-4.0, -4.0, 12.0, 12.0]
    assert a[1].tolist() == [-12.0, -12.0, 20.0, 20.0]
    # Next cell is x = 1: centre (12, 4).
    assert a[2].tolist() == [4.0, -4.0, 20.0, 12.0]
    # Cell (y=1, x=0) starts after the 3 cells of row 0.
    assert a[6].tolist() == [-4.0, 4.0, 12.0, 20.0]


def test_anchor_counts_per_module():
    anchors = all_anchors(64, 96)
    assert anchors["m1"].shape[0] == 8 * 12 * 2
    assert anchors["m2"].shape[0] == 4 * 6 * 2
    assert anchors["m3"].shape[0] == 2 * 3 * 2
    sizes = {m: sorted(set((a[:, 2] - a[:, 0]).tolist())) for m, a in anchors.items()}
    assert sizes == {"m1": [16.0, 32.0], "m2": [64.0, 128.0], "m3": [256.0, 512.0]}


def test_iou_by_hand():
    a = torch.tensor([[0.0, 0.0, 10.0, 10.0]])
    b = torch.tensor([[5.0, 0.0, 15.0, 10.0], [20.0, 20.0, 30.0, 30.0], [0.0, 0.0, 10.0, 10.0]])
    assert torch.allclose(iou_matrix(a, b), torch.tensor([[50 / 150, 0.0, 1.0]]))


def test_assignment_thresholds_and_ignore():
    anchors = torch.tensor([
        [0.0, 0.0, 16.0, 16.0],    # IoU 1 with the face: positive
        [4.0, 0.0, 20.0, 16.0],    # IoU 12*16/(2*256-192) = 0.6: positive
        [2.0, 0.0, 18.0, 16.0],    # IoU 224/288 = 0.78: positive
        [8.0, 0.0, 24.0, 16.0],    # IoU 128/384 = 0.333: in between and not among the best three: ignored
        [100.0, 100.0, 116.0, 116.0],  # far: negative
        [200.0, 200.0, 216.0, 216.0],  # far but inside an ignore region: not a negative
    ])
    gt = torch.tensor([[0.0, 0.0, 16.0, 16.0]])
    ignore = torch.tensor([[195.0, 195.0, 225.0, 225.0]])
    labels, matched = assign(anchors, gt, ignore)
    assert labels.tolist() == [1, 1, 1, -1, 0, -1]
    assert matched[:3].tolist() == [0, 0, 0]


def test_no_forced_match_for_a_face_no_anchor_fits():
    anchors = torch.tensor([[0.0, 0.0, 16.0, 16.0]])
    gt = torch.tensor([[0.0, 0.0, 6.0, 6.0]])  # IoU 36/256 = 0.14: the anchor is a negative
    labels, _ = assign(anchors, gt, torch.zeros((0, 4)))
    assert labels.tolist() == [0]


def test_a_face_between_anchor_sizes_gets_its_best_anchors():
    anchors = torch.tensor([[0.0, 0.0, 16.0, 16.0], [-8.0, -8.0, 24.0, 24.0], [50.0, 50.0, 66.0, 66.0]])
    gt = torch.tensor([[-2.0, -2.0, 22.0, 26.0]])  # IoU 256/672 = 0.38 and 624/1072 = 0.58 (second anchor)
    labels, matched = assign(anchors, gt, torch.zeros((0, 4)))
    assert labels.tolist() == [1, 1, 0]  # 0.38 is in the ignore band, but among the face's best three
    gt = torch.tensor([[0.0, 0.0, 20.0, 30.0]])  # best IoU 256/600 = 0.43 (first): no anchor reaches 0.5
    labels, matched = assign(anchors, gt, torch.zeros((0, 4)))
    assert labels.tolist()[0] == 1 and matched[0] == 0


def test_small_faces_get_as_many_positives_as_large_ones():
    anchors = all_anchors(320, 320)
    flat = torch.cat([anchors[m] for m in ("m1", "m2", "m3")])
    for size in (10.0, 12.0, 20.0):
        gt = torch.tensor([[100.0, 100.0, 100.0 + size, 100.0 + 1.2 * size]])
        labels, _ = assign(flat, gt, torch.zeros((0, 4)))
        assert int((labels == 1).sum()) >= 3, size


def test_an_anchor_shared_by_two_faces_regresses_to_the_closer_one():
    anchors = torch.tensor([[0.0, 0.0, 16.0, 16.0], [8.0, 0.0, 24.0, 16.0], [16.0, 0.0, 32.0, 16.0]])
    gt = torch.tensor([[2.0, 0.0, 14.0, 14.0], [12.0, 0.0, 26.0, 14.0]])
    labels, matched = assign(anchors, gt, torch.zeros((0, 4)))
    assert labels.tolist() == [1, 1, 1]
    ious = iou_matrix(anchors, gt)
    assert matched.tolist() == ious.argmax(dim=1).tolist()


def test_ohem_counts_ratios_and_hardness():
    labels = torch.tensor([1] * 10 + [0] * 1000 + [-1] * 50)
    prob = torch.rand(len(labels), generator=torch.Generator().manual_seed(1))
    pos, neg = ohem_select(labels, prob, neg_per_pos=7, min_negatives=64)
    assert pos.numel() == 10 and neg.numel() == 70
    assert (labels[pos] == 1).all() and (labels[neg] == 0).all()
    # The hardest negatives have the highest face scores.
    assert prob[neg].min() >= prob[10:1010].sort(descending=True).values[69] - 1e-9
    # A face-free picture still gives its hardest negatives.
    labels2 = torch.tensor([0] * 1000)
    pos2, neg2 = ohem_select(labels2, torch.rand(1000), neg_per_pos=7, min_negatives=64)
    assert pos2.numel() == 0 and neg2.numel() == 64


def test_encode_decode_round_trip():
    g = torch.Generator().manual_seed(0)
    anchors = torch.rand(50, 2, generator=g) * 300
    anchors = torch.cat([anchors, anchors + 16 + torch.rand(50, 1, generator=g) * 200], dim=1)
    gt = torch.rand(50, 2, generator=g) * 300
    gt = torch.cat([gt, gt + 5 + torch.rand(50, 2, generator=g) * 200], dim=1)
    back = decode(encode(gt, anchors), anchors)
    assert torch.allclose(back, gt, atol=1e-3)


def test_decode_clamps_scale():
    anchors = torch.tensor([[0.0, 0.0, 16.0, 16.0]])
    box = decode(torch.tensor([[0.0, 0.0, 50.0, 50.0]]), anchors)
    assert math.isclose((box[0, 2] - box[0, 0]).item(), 1000.0, rel_tol=1e-4)


def test_nms_by_hand():
    boxes = torch.tensor([[0.0, 0, 10, 10], [1, 0, 11, 10], [20, 20, 30, 30], [0, 0, 10, 10.5]])
    scores = torch.tensor([0.9, 0.8, 0.7, 0.95])
    keep = nms(boxes, scores, 0.3)
    assert keep.tolist() == [3, 2]
