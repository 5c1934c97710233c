#!/bin/sh
# Scheduled exports of a local Convex stack (the exporter container, POSIX sh on the pinned node image).
# Installs the pinned Convex CLI from the committed lockfile without install scripts, then every BACKUP_INTERVAL_SECONDS
# writes `convex export --include-file-storage` and the deployment's variables (one JSON object of name -> value, a 0600
# file with the same stamp, written by the shared list-variables script in CONVEX_INFRA_LIST_VARIABLES) into BACKUP_DIR. With BACKUP_KEEP=true BACKUP_DIR is the host folder and keeps them BACKUP_RETENTION_DAYS;
# otherwise it is a staging folder emptied after each round. With BACKUP_S3_BUCKET both files are uploaded there too
# (aws-request.mjs, the shared signed-request script) and the bucket gets the same retention, for this stack's keys only.
# The admin key and the bucket's key pair come from the environment only; nothing here prints them or a variable's value.
set -eu
: "${CONVEX_CLI_VERSION:?set by the container definition}"
: "${EXPORT_PACKAGE_JSON:?set by the container definition}"
: "${EXPORT_PACKAGE_LOCK:?set by the container definition}"
: "${CONVEX_SELF_HOSTED_URL:?set by the container definition}"
: "${CONVEX_SELF_HOSTED_ADMIN_KEY:?set by the container definition}"
: "${BACKUP_DIR:?set by the container definition}"
: "${BACKUP_KEEP:?set by the container definition}"
: "${BACKUP_INTERVAL_SECONDS:?set by the container definition}"
: "${BACKUP_RETENTION_DAYS:?set by the container definition}"
: "${BACKUP_NAME:?set by the container definition}"
: "${CONVEX_INFRA_LIST_VARIABLES:?set by the container definition}"
ready="${READY_FILE:-/tmp/convex-cli-ready}"
bucket="${BACKUP_S3_BUCKET:-}"
aws_request="${AWS_REQUEST_FILE:-/tmp/aws-request.mjs}"
list_variables="${LIST_VARIABLES_FILE:-/tmp/list-variables.mjs}"
# The UTC stamp every file name of this stack carries; retention matches it exactly, so stack 'local' never touches 'local-b'.
stamp_glob='[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z'

workdir="${CLI_DIR:-/opt/convex-cli}"
mkdir -p "${workdir}" "${BACKUP_DIR}"
# Not `npx convex env list`: it prints NAME=value raw, so a value with a newline (a PEM key) could not be read back.
printf '%s' "${CONVEX_INFRA_LIST_VARIABLES}" > "${list_variables}"
if [ -n "${bucket}" ]; then
  : "${BACKUP_S3_ENDPOINT:?set by the container definition}"
  : "${BACKUP_S3_REGION:?set by the container definition}"
  : "${AWS_ACCESS_KEY_ID:?set by the container definition}"
  : "${AWS_SECRET_ACCESS_KEY:?set by the container definition}"
  : "${CONVEX_INFRA_AWS_REQUEST:?set by the container definition}"
  printf '%s' "${CONVEX_INFRA_AWS_REQUEST}" > "${aws_request}"
fi
cd "${workdir}"
printf '%s\n' "${EXPORT_PACKAGE_JSON}" > package.json
printf '%s\n' "${EXPORT_PACKAGE_LOCK}" > package-lock.json
# Exactly the locked tree, each tarball checked against its sha512; no install, preinstall or postinstall script.
npm ci --ignore-scripts --no-audit --no-fund >/dev/null
installed=$(npx --no-install convex --version)
if [ "${installed}" != "${CONVEX_CLI_VERSION}" ]; then
  echo "convex CLI ${installed} installed, ${CONVEX_CLI_VERSION} expected: the lockfile and the container disagree" >&2
  exit 2
fi
touch "${ready}"

# One signed S3 call to the bucket; the key pair travels in the environment, never as an argument.
s3() {
  operation="$1"
  shift
  if [ "${BACKUP_S3_PATH_STYLE:-false}" = true ]; then
    node "${aws_request}" "${operation}" --region "${BACKUP_S3_REGION}" --bucket "${bucket}" --endpoint "${BACKUP_S3_ENDPOINT}" --path-style "$@"
  else
    node "${aws_request}" "${operation}" --region "${BACKUP_S3_REGION}" --bucket "${bucket}" --endpoint "${BACKUP_S3_ENDPOINT}" "$@"
  fi
}

upload() {
  if s3 s3-put --key "${BACKUP_S3_PREFIX:-}$(basename "$1")" --file "$1"; then
    echo "uploaded: s3://${bucket}/${BACKUP_S3_PREFIX:-}$(basename "$1")"
  else
    echo "upload of $(basename "$1") to s3://${bucket}/${BACKUP_S3_PREFIX:-} failed; the next try is in ${BACKUP_INTERVAL_SECONDS}s" >&2
  fi
}

# Bucket retention: this stack's stamped exports and variable files whose LastModified is at least BACKUP_RETENTION_DAYS
# whole days ago (ISO times compare as text). Anything else under the prefix is left alone.
expire_bucket() {
  now=$(date -u +%s)
  cutoff=$(date -u -d "@$((now - BACKUP_RETENTION_DAYS * 86400))" +%Y-%m-%dT%H:%M:%S)
  listing="${BACKUP_DIR}/.bucket-listing"
  if ! s3 s3-list --prefix "${BACKUP_S3_PREFIX:-}convex-" > "${listing}"; then
    echo "listing s3://${bucket}/${BACKUP_S3_PREFIX:-} for retention failed; expired exports stay until the next round" >&2
    rm -f "${listing}"
    return 0
  fi
  awk -F '\t' -v cut="${cutoff}" -v pre="${BACKUP_S3_PREFIX:-}" -v name="${BACKUP_NAME}" '
    function ours(key, kind, ext,   head) {
      head = pre "convex-" kind "-" name "-"
      return index(key, head) == 1 && substr(key, length(head) + 1) ~ ("^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z\\." ext "$")
    }
    (ours($1, "export", "zip") || ours($1, "env", "json")) && substr($2, 1, 19) <= cut { print $1 }
  ' "${listing}" | while IFS= read -r key; do
    if s3 s3-delete --key "${key}"; then
      echo "deleted expired export: s3://${bucket}/${key}"
    else
      echo "deleting s3://${bucket}/${key} failed; it is tried again next round" >&2
    fi
  done
  rm -f "${listing}"
}

while true; do
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  final="${BACKUP_DIR}/convex-export-${BACKUP_NAME}-${stamp}.zip"
  variables="${BACKUP_DIR}/convex-env-${BACKUP_NAME}-${stamp}.json"
  # Written under another name first: 'restore --from latest --dir' never picks up half an export.
  partial="${BACKUP_DIR}/.convex-export-${BACKUP_NAME}-${stamp}.partial"
  if npx --no-install convex export --include-file-storage --path "${partial}"; then
    mv "${partial}" "${final}"
    echo "scheduled export: ${final}"
    # The values exist only in this 0600 file (and the bucket's copy): never an argument, never on the log.
    if (umask 077 && node "${list_variables}" > "${variables}.partial"); then
      mv "${variables}.partial" "${variables}"
      echo "deployment variables: ${variables}"
    else
      rm -f "${variables}.partial"
      echo "storing the deployment variables failed (see the line above); the export itself is kept" >&2
    fi
    if [ -n "${bucket}" ]; then
      upload "${final}"
      if [ -f "${variables}" ]; then upload "${variables}"; fi
    fi
  else
    rm -f "${partial}"
    echo "scheduled export failed; the next try is in ${BACKUP_INTERVAL_SECONDS}s" >&2
  fi
  if [ "${BACKUP_KEEP}" = true ]; then
    # Retention: only this stack's finished files, and only once they are older than BACKUP_RETENTION_DAYS whole days.
    find "${BACKUP_DIR}" -maxdepth 1 -type f \( -name "convex-export-${BACKUP_NAME}-${stamp_glob}.zip" -o -name "convex-env-${BACKUP_NAME}-${stamp_glob}.json" \) \
      -mtime "+$((BACKUP_RETENTION_DAYS - 1))" -exec rm -f {} + -exec echo "deleted expired export:" {} +
  else
    # A staging folder inside the container: the bucket holds the copies.
    rm -f "${final}" "${variables}"
  fi
  if [ -n "${bucket}" ]; then expire_bucket; fi
  sleep "${BACKUP_INTERVAL_SECONDS}"
done
