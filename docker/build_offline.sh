#!/bin/sh
# Build the guide-rl sandbox image without a container registry: debootstrap a minimal Debian
# with python3, add the non-root user `sandbox` (uid 10001) and /work, then `docker import` it.
# Gives the same runtime as sandbox.Dockerfile (python3 on PATH, USER 10001, WORKDIR /work).
#
# Usage: sudo docker/build_offline.sh [IMAGE]      (default IMAGE: guide-rl/sandbox:py3)
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian), DEBIAN_SUITE (bookworm).
set -eu

image="${1:-guide-rl/sandbox:py3}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite="${DEBIAN_SUITE:-bookworm}"

if [ "$(id -u)" -ne 0 ]; then
    echo "build_offline.sh: debootstrap needs root; run: sudo $0 $image" >&2
    exit 1
fi
for tool in debootstrap docker tar; do
    command -v "$tool" >/dev/null || { echo "build_offline.sh: $tool not found" >&2; exit 1; }
done

rootfs="$(mktemp -d "${TMPDIR:-/tmp}/guide-rl-rootfs.XXXXXX")"
trap 'rm -rf "$rootfs"' EXIT INT TERM

echo "[1/3] debootstrap $suite from $mirror into $rootfs"
debootstrap --variant=minbase --include=python3 "$suite" "$rootfs" "$mirror"

echo "[2/3] adding user sandbox (uid 10001) and /work"
echo "sandbox:x:10001:10001:guide-rl sandbox:/work:/bin/sh" >> "$rootfs/etc/passwd"
echo "sandbox:x:10001:" >> "$rootfs/etc/group"
echo "sandbox:!:19000:0:99999:7:::" >> "$rootfs/etc/shadow"
mkdir -p "$rootfs/work"
chown 10001:10001 "$rootfs/work"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/*
chroot "$rootfs" /usr/bin/python3 -c "import sys; print('python', sys.version.split()[0])"

echo "[3/3] docker import -> $image"
tar -C "$rootfs" --numeric-owner -c . | docker import \
    --change 'USER 10001:10001' --change 'WORKDIR /work' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["python3"]' - "$image"
echo "built $image"
