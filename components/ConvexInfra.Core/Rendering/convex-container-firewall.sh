#!/usr/bin/env bash
# convex-container-firewall: keeps every container but the Convex backend away from the instance metadata service
# (and the dashboard away from the backend's network) with rules at the top of Docker's DOCKER-USER chain.
# Run at boot before docker.service (so no container starts unprotected) and by convex-host-setup. Safe to run again:
# rules already in place, in order, are left alone; anything else of ours is removed and the list inserted afresh.
set -euo pipefail

chain=__CHAIN__
comment_prefix=__COMMENT_PREFIX__
rules=(
__RULES__
)

log() { printf 'convex-container-firewall: %s\n' "$*" >&2; }
ipt() { iptables -w "$@"; }

# Docker creates the chain too, but leaves rules it finds there alone; creating it first lets this run before Docker.
if ! ipt -n -L "$chain" >/dev/null 2>&1; then
  ipt -N "$chain"
fi

expected=""
for rule in "${rules[@]}"; do
  expected+="-A $chain $rule"$'\n'
done
# 'iptables -S CHAIN' prints '-N CHAIN' first, then the rules in evaluation order.
listing=$(ipt -S "$chain")
current=$(sed -n "2,$((${#rules[@]} + 1))p" <<<"$listing")
if [[ "$current"$'\n' == "$expected" ]]; then
  log "rules already in place"
  exit 0
fi

# Remove every rule of ours wherever it is, then put the list at the top in order (first match wins).
while IFS= read -r line; do
  [[ "$line" == "-A $chain "*"--comment $comment_prefix"* ]] || continue
  read -ra words <<<"${line#-A "$chain" }"
  ipt -D "$chain" "${words[@]}"
done <<<"$listing"

position=1
for rule in "${rules[@]}"; do
  read -ra words <<<"$rule"
  ipt -I "$chain" "$position" "${words[@]}"
  position=$((position + 1))
done
log "installed ${#rules[@]} rules at the top of $chain"
