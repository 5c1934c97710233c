#!/usr/bin/env bash
# Deploys the app's Convex functions to a stack right after `pulumi up`, so verify can check them. The app is a folder
# of this repository (CONVEX_APP_PATH), or of another repository checked out at a pinned commit into ./app
# (CONVEX_APP_REPOSITORY, CONVEX_APP_REF; CONVEX_APP_PATH is then the folder inside it). With neither the stack has
# no app yet: a notice says so and verify is told to accept an empty backend.
# Usage: app-functions.sh STACK   env: APP_PATH, APP_REPOSITORY, EXPECT_FUNCTION (CONVEX_EXPECT_FUNCTION)
# Writes allow-empty=true|false and expect-function=<name> to $GITHUB_OUTPUT.
# The admin key only ever sits in the app folder's .env.local, which is removed on exit.
set -euo pipefail
if [[ "$#" -ne 1 ]] || [[ -z "$1" ]]; then
  echo "usage: app-functions.sh STACK" >&2
  exit 2
fi
stack=$1
output=${GITHUB_OUTPUT:-/dev/stdout}

if [[ -z "${APP_PATH:-}" && -z "${APP_REPOSITORY:-}" ]]; then
  echo "::notice title=no app functions deployed::no app is configured, so ${stack} runs an empty backend and verify accepts that;" \
    "set CONVEX_APP_PATH (a folder of this repository) or CONVEX_APP_REPOSITORY and CONVEX_APP_REF to deploy the app's functions here (docs/cicd.md)"
  { echo "allow-empty=true"; echo "expect-function="; } >>"${output}"
  exit 0
fi

dir=${APP_PATH:-.}
[[ -z "${APP_REPOSITORY:-}" ]] || dir="app/${dir}"
if [[ ! -f "${dir}/package.json" || ! -d "${dir}/convex" ]]; then
  echo "::error title=no Convex app in ${dir}::expected the app's package.json and convex/ folder in ${dir} (CONVEX_APP_PATH${APP_REPOSITORY:+ in ${APP_REPOSITORY}})"
  exit 1
fi

trap 'rm -f "${dir}/.env.local"' EXIT
convex-infra env --stack "${stack}" --format convex-cli --write "${dir}/.env.local"
(cd "${dir}" && npm ci && npx convex deploy)
{ echo "allow-empty=false"; echo "expect-function=${EXPECT_FUNCTION:-}"; } >>"${output}"
