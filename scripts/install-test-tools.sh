#!/usr/bin/env bash
# Installs the real tools Core's tests validate rendered artifacts with (all Debian packages).
set -euo pipefail
packages=(caddy shellcheck cloud-init docker-compose yamllint jq systemd)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "test tools: ${packages[*]} installed"
