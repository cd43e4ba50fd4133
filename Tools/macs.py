#!/usr/bin/env python3
"""Prints multiply-accumulates per layer of a backbone config at 400x800 (or --size H W)."""
import argparse

from facetools.model import count_macs, load_backbone

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("config")
p.add_argument("--size", nargs=2, type=int, default=(400, 800), metavar=("H", "W"))
a = p.parse_args()
rows = count_macs(load_backbone(a.config), *a.size)
total = sum(r[1] for r in rows)
print(f"{'layer':<16} {'cin':>5} {'cout':>5} {'out HxW':>10} {'MMAC':>8}")
for name, macs, (cin, cout, oh, ow) in rows:
    print(f"{name:<16} {cin:>5} {cout:>5} {f'{oh}x{ow}':>10} {macs / 1e6:>8.1f}")
print(f"{'total':<16} {'':>5} {'':>5} {'':>10} {total / 1e6:>8.1f}  ({total / 1e9:.3f} GMAC at {a.size[0]}x{a.size[1]})")
