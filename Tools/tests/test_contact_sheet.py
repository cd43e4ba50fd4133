"""contact_sheet.py on real encoded clips (ffmpeg CLI): the frames named with --at land in the
right tiles, one column per video, and bad requests are refused with a message."""
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import TOOLS

sys.path.insert(0, TOOLS)
import contact_sheet  # noqa: E402


def clip(path, levels, size=(64, 48)):
    """An H.264 clip whose frame i is a flat grey of levels[i]."""
    w, h = size
    raw = b"".join(bytes([v]) * (w * h * 3) for v in levels)
    subprocess.run(["ffmpeg", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", "25",
                    "-i", "-", "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p", "-y", path],
                   input=raw, check=True)
    return path


def test_named_frames_of_several_videos_tile_side_by_side(tmp_path):
    up = clip(str(tmp_path / "up.mp4"), [10 * i for i in range(20)])
    down = clip(str(tmp_path / "down.mp4"), [250 - 10 * i for i in range(20)])
    out = str(tmp_path / "sheet.png")
    assert contact_sheet.main([up, down, "--at", "7", "--at", "3", "--tile-width", "32", "--no-captions",
                               "--out", out]) == 0
    sheet = np.asarray(Image.open(out).convert("L"), np.float64)
    assert sheet.shape == (2 * 24, 2 * 32)
    tile = lambda row, col: sheet[row * 24:(row + 1) * 24, col * 32:(col + 1) * 32].mean()
    # Rows in frame order (3, then 7), columns in the order the videos were named.
    for (row, col), level in {(0, 0): 30, (0, 1): 220, (1, 0): 70, (1, 1): 180}.items():
        assert abs(tile(row, col) - level) < 4, (row, col, tile(row, col))


def test_spread_frames_of_one_video(tmp_path):
    up = clip(str(tmp_path / "up.mp4"), [10 * i for i in range(20)])
    out = str(tmp_path / "sheet.png")
    assert contact_sheet.main([up, "--frames", "3", "--tile-width", "32", "--no-captions", "--out", out]) == 0
    sheet = np.asarray(Image.open(out).convert("L"), np.float64)
    assert sheet.shape == (24, 4 * 32)  # three tiles in a row of four: frames 0, 10, 19
    for col, level in enumerate([0, 100, 190]):
        assert abs(sheet[:, col * 32:(col + 1) * 32].mean() - level) < 4


def test_bad_requests_are_refused_with_a_message(tmp_path):
    up = clip(str(tmp_path / "up.mp4"), [10 * i for i in range(20)])
    wide = clip(str(tmp_path / "wide.mp4"), [100] * 5, size=(96, 48))
    out = str(tmp_path / "sheet.png")
    with pytest.raises(SystemExit, match="frame 20 is not in 0...19"):
        contact_sheet.main([up, "--at", "20", "--out", out])
    with pytest.raises(SystemExit, match="differ in size: 64x48, 96x48"):
        contact_sheet.main([up, wide, "--out", out])
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    with pytest.raises(SystemExit, match="cannot read"):
        contact_sheet.main([str(broken), "--out", out])
    assert not os.path.exists(out)
