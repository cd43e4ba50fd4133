#!/usr/bin/env python3
"""Mine hard negatives on the training split for the next run: `python Tools/mine_negatives.py --help`."""
from facetools.mining import main

if __name__ == "__main__":
    main()
