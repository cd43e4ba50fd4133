#!/usr/bin/env python3
"""Train the SSH face detector: `python Tools/train.py --help`."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facetools.train import main  # noqa: E402

if __name__ == "__main__":
    main()
