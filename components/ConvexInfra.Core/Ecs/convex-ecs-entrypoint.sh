#!/usr/bin/env bash
# Managed by convex-infra: ECS entrypoint of the Convex backend.
set -euo pipefail

db_parameter="${__DB_HOST_PARAMETER_VARIABLE__:?__DB_HOST_PARAMETER_VARIABLE__ is not set: the task definition names the database address parameter}"
: "${__DB_CREDENTIALS_VARIABLE__:?__DB_CREDENTIALS_VARIABLE__ is not set: the execution role injects the database credentials}"
: "${__DB_PORT_VARIABLE__:?__DB_PORT_VARIABLE__ is not set}"
region="${AWS_REGION:?AWS_REGION is not set: the task definition sets it for the S3 storage mode}"
work="$(mktemp -d)"
aws_request="${work}/aws-request.mjs"
printf '%s' "${__AWS_REQUEST_VARIABLE__:?__AWS_REQUEST_VARIABLE__ is not set: the task definition carries the request script}" > "${aws_request}"
sleeper=''
# No backend runs yet: a stop signal while waiting ends the task at once.
# shellcheck disable=SC2317 # invoked by the trap below
stop_waiting() {
  echo "convex-infra: stopped while waiting for the database address" >&2
  [[ -z ${sleeper} ]] || kill "${sleeper}" 2>/dev/null || true
  exit 0
}
trap stop_waiting TERM INT
db_host=''
reported=''
while true; do
  status=0
  value="$(node "${aws_request}" ssm-get-parameter --region "${region}" --name "${db_parameter}" 2>"${work}/error")" || status=$?
  # A DNS name with at least one dot (RDS addresses have several) or an IPv4 address; anything else is not written yet.
  if [[ ${status} -eq 0 && ${value} =~ ^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$ ]]; then
    db_host=${value}
    break
  fi
  if [[ ${status} == "__NOT_FOUND_EXIT_CODE__" ]]; then reason='not written yet (RDS is still being created)'
  elif [[ ${status} -ne 0 ]]; then reason="$(head -n 1 "${work}/error")"
  else reason='it holds no address yet'; fi
  if [[ ${reason} != "${reported}" ]]; then
    echo "convex-infra: waiting for the database address in SSM parameter ${db_parameter}: ${reason}; checking every __POLL_SECONDS__ s" >&2
    reported=${reason}
  fi
  sleep __POLL_SECONDS__ &
  sleeper=$!
  wait "${sleeper}" || true
  sleeper=''
done
trap - TERM INT
rm -rf "${work}"
POSTGRES_URL="postgresql://${__DB_CREDENTIALS_VARIABLE__}@${db_host}:${__DB_PORT_VARIABLE__}"
export POSTGRES_URL
unset __DB_CREDENTIALS_VARIABLE__ __AWS_REQUEST_VARIABLE__
echo "convex-infra: database address ${db_host} found; starting the backend" >&2

ca_file="${PG_CA_FILE:-__RDS_CA_BUNDLE_PATH__}"
mkdir -p "$(dirname "${ca_file}")"
# Verified TLS to RDS needs AWS's CA bundle; without it the backend could not connect, so fail the task.
curl -fsS --retry 5 --retry-connrefused --max-time 60 -o "${ca_file}.tmp" "__RDS_CA_BUNDLE_URL__"
mv "${ca_file}.tmp" "${ca_file}"

child=''
stopping=0
interrupted=0
# The backend drains only on SIGINT (a second one forces exit): forward the first stop signal once.
# shellcheck disable=SC2317 # invoked by the trap below
forward_stop() {
  interrupted=1
  if [[ ${stopping} -eq 0 && -n ${child} ]]; then
    stopping=1
    kill -INT "${child}" 2>/dev/null || true
  fi
}
trap forward_stop TERM INT

# Without job control bash starts background jobs with SIGINT ignored: give the child the default back.
(trap - INT QUIT; exec __RUN_BACKEND__ "$@") &
child=$!

# A trapped signal cuts wait short (status > 128): then wait again for the child's own exit status.
status=0
while true; do
  interrupted=0
  if wait "${child}"; then status=0; else status=$?; fi
  if [[ ${interrupted} -eq 0 ]]; then
    break
  fi
  if ! kill -0 "${child}" 2>/dev/null; then
    # Gone already: bash kept its status unless the last wait returned it (then 127, keep ours).
    if wait "${child}" 2>/dev/null; then status=0; else last=$?; [[ ${last} -eq 127 ]] || status=${last}; fi
    break
  fi
done
exit "${status}"
