"""The one average-precision rule every protocol and the calibration report use."""
from __future__ import annotations

import numpy as np


def voc_ap(recall, precision) -> float:
    """Area under the PR curve with the VOC sentinels (0 at recall 0, 0 at recall 1) and the
    monotone (non-increasing) precision envelope, summed where recall changes.

    NaN precisions (0/0 at thresholds with no detection) are skipped by the envelope like
    MATLAB's max does; they only ever sit at recall 0, so they never weigh in the sum.
    """
    rec = np.concatenate(([0.0], np.asarray(recall, dtype=np.float64), [1.0]))
    pre = np.concatenate(([0.0], np.asarray(precision, dtype=np.float64), [0.0]))
    for i in range(len(pre) - 1, 0, -1):
        pre[i - 1] = np.fmax(pre[i - 1], pre[i])
    steps = np.where(rec[1:] != rec[:-1])[0]
    return float(np.sum((rec[steps + 1] - rec[steps]) * pre[steps + 1]))
