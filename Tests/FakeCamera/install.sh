#!/bin/sh
# Builds the fake-camera libv4l2 plugin (fakecam.c) and installs it into the folder libv4l2
# loads plugins from. Idempotent and quick: reinstalls only when the built plugin differs.
# Needs write access to that folder (root in CI). Usage: Tests/FakeCamera/install.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)

lib=""
for dir in "$(pkg-config --variable=libdir libv4l2 2>/dev/null || true)" \
           "/usr/lib/$(${CC:-gcc} -dumpmachine 2>/dev/null || true)" /usr/lib64 /usr/lib; do
    if [ -n "$dir" ] && [ -f "$dir/libv4l2.so.0" ]; then lib="$dir/libv4l2.so.0"; break; fi
done
if [ -z "$lib" ]; then
    echo "install.sh: libv4l2 not found (install libv4l-dev)" >&2
    exit 1
fi
# The plugin folder is compiled into libv4l2 (no environment override in 1.22): read it from there.
plugins=$(grep -aoE '/[A-Za-z0-9_./-]*libv4l/plugins' "$lib" | head -n 1)
if [ -z "$plugins" ]; then
    echo "install.sh: could not find the plugin folder inside $lib" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-gcc} -O2 -Wall -Wextra -shared -fPIC -o "$tmp/facepipe-fakecam.so" "$here/fakecam.c"

target="$plugins/facepipe-fakecam.so"
if [ -f "$target" ] && cmp -s "$tmp/facepipe-fakecam.so" "$target"; then
    echo "fake camera plugin up to date: $target"
    exit 0
fi
if ! mkdir -p "$plugins" 2>/dev/null || ! [ -w "$plugins" ]; then
    echo "install.sh: cannot write $plugins (run as root)" >&2
    exit 1
fi
# Copy then rename so a process loading plugins never sees a half-written file.
cp "$tmp/facepipe-fakecam.so" "$target.tmp.$$"
chmod 644 "$target.tmp.$$"
mv -f "$target.tmp.$$" "$target"
echo "fake camera plugin installed: $target"
