#!/usr/bin/env bash
# `dotnet format` must leave the tree unchanged. Projects whose packages restore get the full check
# (style and analyzers); the Pulumi projects, which cannot restore here, get the whitespace check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet format whitespace --folder --verify-no-changes --exclude '**/bin/**' '**/obj/**'
for project in tests/ConvexInfra.Core.Tests tests/ConvexInfra.Cli.Tests; do
  dotnet format "$project" --verify-no-changes
done
echo "format: clean"
