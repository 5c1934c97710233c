#!/usr/bin/env bash
# Before a job touches a stack's state: is the stack's GitHub environment set up, and can this job decrypt the
# stack's secrets? A missing role is a notice (the stack is skipped, ready=false); a passphrase-encrypted stack
# without PULUMI_CONFIG_PASSPHRASE, or a stack file that names no secrets provider on a self-managed backend, is an
# error that names the secret or the command that fixes it, before any cloud call.
# Usage: stack-preflight.sh STACK ROLE_VARIABLE   (from the repository root)
#   env: ROLE (the value of ROLE_VARIABLE), ENVIRONMENT (the GitHub environment, for messages), PULUMI_BACKEND_URL,
#        PULUMI_CONFIG_PASSPHRASE, APP_REPOSITORY and APP_REF (CONVEX_APP_REPOSITORY/CONVEX_APP_REF, deploys only).
# Writes ready=true|false to $GITHUB_OUTPUT. Exit codes: 0 ready or skipped, 1 misconfigured, 2 bad usage.
set -euo pipefail
if [[ "$#" -ne 2 ]] || [[ -z "$1" ]]; then
  echo "usage: stack-preflight.sh STACK ROLE_VARIABLE (for example: stack-preflight.sh dev AWS_DEPLOY_ROLE_ARN)" >&2
  exit 2
fi
stack=$1
name=${stack##*/}
variable=$2
environment=${ENVIRONMENT:-the repository}
output=${GITHUB_OUTPUT:-/dev/stdout}
file="Pulumi.${name}.yaml"
region=$(sed -n 's/^[[:space:]]*aws:region:[[:space:]]*"\{0,1\}\([a-z0-9-]*\)"\{0,1\}.*/\1/p' "${file}" 2>/dev/null | head -n 1)

if [[ -z "${ROLE:-}" ]]; then
  echo "::notice title=${name} not set up::${environment} has no variable ${variable}, so ${name} is skipped (and so are the stacks promoted after it); create the role and set the variable (docs/cicd.md)"
  echo "ready=false" >>"${output}"
  exit 0
fi
if [[ ! -f "${file}" ]]; then
  echo "::error title=no stack file for ${name}::there is no ${file} in the repository; remove ${name} from CONVEX_STACKS or add the stack file"
  exit 1
fi

if grep -Eq '^(encryptionsalt:|secretsprovider:[[:space:]]*passphrase)' "${file}"; then
  if [[ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ]]; then
    echo "::error title=PULUMI_CONFIG_PASSPHRASE missing for ${name}::${file} encrypts its secrets with a passphrase, and the secret PULUMI_CONFIG_PASSPHRASE is not set for ${environment}." \
      "Add it: gh secret set PULUMI_CONFIG_PASSPHRASE --env <environment>, or move the stack to KMS:" \
      "pulumi stack change-secrets-provider --stack ${name} \"awskms://alias/convex-infra-pulumi-${name}?region=${region:-<region>}\" (docs/cicd.md)"
    exit 1
  fi
  echo "::warning title=passphrase secrets on ${name}::${file} uses a passphrase; a KMS key (awskms://) needs no shared secret (docs/cicd.md)"
elif ! grep -q '^secretsprovider:' "${file}" && [[ -n "${PULUMI_BACKEND_URL:-}" ]]; then
  echo "::error title=stack ${name} not initialised::${file} names no secrets provider, so the stack was never created on ${PULUMI_BACKEND_URL}." \
    "Create it and commit the file: pulumi stack init ${name} --secrets-provider \"awskms://alias/convex-infra-pulumi-${name}?region=${region:-<region>}\" (docs/cicd.md)"
  exit 1
fi

if [[ -n "${APP_REPOSITORY:-}" ]] && [[ ! "${APP_REF:-}" =~ ^[0-9a-f]{40}$ ]]; then
  echo "::error title=CONVEX_APP_REF must pin a commit::CONVEX_APP_REPOSITORY is ${APP_REPOSITORY}, so CONVEX_APP_REF must be the full 40-character SHA of the app commit to deploy, not '${APP_REF:-}'"
  exit 1
fi
echo "ready=true" >>"${output}"
