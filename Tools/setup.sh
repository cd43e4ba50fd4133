#!/usr/bin/env bash
# Installs the system packages facepipe needs on Debian 12 (run as root or with sudo).
# FFmpeg (capture, encode), libv4l2 (cameras), OpenBLAS (fp32 reference engine),
# and, for the test suite: the aarch64 cross compiler and qemu to run the NEON kernels.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    pkg-config ffmpeg libavcodec-dev libavformat-dev libswscale-dev libavutil-dev \
    libv4l-dev v4l-utils libopenblas-dev python3 python3-venv python3-pip \
    gcc g++ gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static >/dev/null
echo "facepipe: system packages installed" >&2
