#!/usr/bin/env bash
# Installs the convex-infra CLI of this checkout as a .NET tool in .tools/ (or $CONVEX_INFRA_TOOL_DIR), or updates the
# one installed there, and says how to put it on PATH. Every run packs a new prerelease version
# (<Version>-local.<UTC time>): NuGet caches a package by version, so re-installing the same version would keep the old
# build. Usage: scripts/install-cli.sh   then   export PATH="$PWD/.tools:$PATH"
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
project="${root}/infra/ConvexInfra.Cli"
tool_dir=${CONVEX_INFRA_TOOL_DIR:-${root}/.tools}

base=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "${project}/ConvexInfra.Cli.csproj" | head -n 1)
if [[ -z "${base}" ]]; then
  echo "install-cli: no <Version> in ${project}/ConvexInfra.Cli.csproj" >&2
  exit 1
fi
version="${base}-local.$(date -u +%Y%m%d%H%M%S)"
packages=$(mktemp -d)
trap 'rm -rf "${packages}"' EXIT

dotnet pack "${project}" --configuration Release --nologo -p:Version="${version}" --output "${packages}"
if [[ -x "${tool_dir}/convex-infra" ]]; then
  verb=update
else
  verb=install
fi
dotnet tool "${verb}" ConvexInfra.Cli --tool-path "${tool_dir}" --add-source "${packages}" --version "${version}"

echo "convex-infra ${version} is in ${tool_dir}"
if [[ "$(command -v convex-infra || true)" == "${tool_dir}/convex-infra" ]]; then
  echo "It is on your PATH: run convex-infra --help"
else
  echo "Put it on your PATH (add the line to your shell profile to keep it):"
  echo "  export PATH=\"${tool_dir}:\$PATH\""
fi
