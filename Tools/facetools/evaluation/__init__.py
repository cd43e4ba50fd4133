"""Face-detection metrics, one module per protocol (numpy/scipy only, no torch, so training
code can call them cheaply):

  labelled_ap   VOC all-points AP on our labels.jsonl sets, ignore regions and flags honoured
  wider         WIDER FACE easy/medium/hard AP (official eval_tools protocol); files: wider_files
  fddb          FDDB discrete and continuous ROC (official evaluator); files: fddb_files
  ap            the AP rule they share (voc_ap)
  inputs        detections as given (WIDER file layout, JSONL, dict) and EvalInputError

Labels are read by facetools.labels. Boxes everywhere are [x, y, w, h] in pixels of the stored
picture; detections add a score.
"""
from .ap import voc_ap
from .fddb import FddbResult, ellipse_rect_iou, evaluate_fddb
from .fddb_files import FddbImage, load_fddb_annotations, load_fddb_detections
from .inputs import EvalInputError, load_detections, read_wider_detection_file
from .labelled_ap import DROP_FLAG, DROP_REGION, FP, TP, APResult, evaluate_ap, load_labels, match_image
from .wider import WiderResult, evaluate_wider, evaluate_wider_folder
from .wider_files import WiderGroundTruth, load_wider_detections, load_wider_ground_truth

__all__ = [
    "EvalInputError", "voc_ap", "load_detections", "read_wider_detection_file",
    "WiderResult", "WiderGroundTruth", "evaluate_wider", "evaluate_wider_folder",
    "load_wider_ground_truth", "load_wider_detections",
    "APResult", "load_labels", "evaluate_ap", "match_image", "TP", "FP", "DROP_FLAG", "DROP_REGION",
    "FddbImage", "FddbResult", "load_fddb_annotations", "load_fddb_detections",
    "ellipse_rect_iou", "evaluate_fddb",
]
