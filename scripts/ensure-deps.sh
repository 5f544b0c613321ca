#!/usr/bin/env bash
# Installs the system packages the build needs, or says exactly how to.
# Usage: scripts/ensure-deps.sh [extra apt packages...]
set -euo pipefail

missing=()
pkg-config --exists liblz4 2>/dev/null || missing+=(liblz4-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# The integration tests run in a Python virtualenv.
python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)
for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
    echo "missing system packages: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
