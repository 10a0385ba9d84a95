#!/usr/bin/env bash
# Installs the Debian packages of the Python peers that `lookbook-bench --peers` compares Lookbook with.
set -euo pipefail
packages=(python3-numpy python3-torch python3-torchvision python3-faiss python3-sklearn)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} (Debian packages, for /usr/bin/python3)..."
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
