#!/usr/bin/env python3
"""Average the weights of runs that share one start (greedy model soup): `python Tools/soup.py --help`."""
from facetools.soup import main

if __name__ == "__main__":
    main()
