#!/bin/sh
# Scheduled exports of a local Convex stack (the exporter container, POSIX sh on the pinned node image).
# Installs the pinned Convex CLI from the committed lockfile without install scripts, then every BACKUP_INTERVAL_SECONDS
# writes `convex export --include-file-storage` into BACKUP_DIR (a host folder) and deletes exports older than
# BACKUP_RETENTION_DAYS. The admin key comes from the environment only; nothing here prints it.
set -eu
: "${CONVEX_CLI_VERSION:?set by the container definition}"
: "${EXPORT_PACKAGE_JSON:?set by the container definition}"
: "${EXPORT_PACKAGE_LOCK:?set by the container definition}"
: "${CONVEX_SELF_HOSTED_URL:?set by the container definition}"
: "${CONVEX_SELF_HOSTED_ADMIN_KEY:?set by the container definition}"
: "${BACKUP_DIR:?set by the container definition}"
: "${BACKUP_INTERVAL_SECONDS:?set by the container definition}"
: "${BACKUP_RETENTION_DAYS:?set by the container definition}"
: "${BACKUP_NAME:?set by the container definition}"
ready="${READY_FILE:-/tmp/convex-cli-ready}"

workdir="${CLI_DIR:-/opt/convex-cli}"
mkdir -p "${workdir}"
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

while true; do
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  final="${BACKUP_DIR}/convex-export-${BACKUP_NAME}-${stamp}.zip"
  # Written under another name first: 'restore --from latest --dir' never picks up half an export.
  partial="${BACKUP_DIR}/.convex-export-${BACKUP_NAME}-${stamp}.partial"
  if npx --no-install convex export --include-file-storage --path "${partial}"; then
    mv "${partial}" "${final}"
    echo "scheduled export: ${final}"
  else
    rm -f "${partial}"
    echo "scheduled export failed; the next try is in ${BACKUP_INTERVAL_SECONDS}s" >&2
  fi
  # Retention: only this stack's finished exports, and only once they are older than BACKUP_RETENTION_DAYS whole days.
  find "${BACKUP_DIR}" -maxdepth 1 -type f -name "convex-export-${BACKUP_NAME}-*.zip" -mtime "+$((BACKUP_RETENTION_DAYS - 1))" \
    -exec rm -f {} + -exec echo "deleted expired export:" {} +
  sleep "${BACKUP_INTERVAL_SECONDS}"
done
