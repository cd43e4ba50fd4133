#!/usr/bin/env python3
"""Train the SSH face detector: `python Tools/train.py --help`."""
from facetools.train import main

if __name__ == "__main__":
    main()
