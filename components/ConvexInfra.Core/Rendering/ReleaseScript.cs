namespace ConvexInfra.Core.Rendering;

/// <summary>
/// <c>convex-release</c>, run every minute by systemd on the EC2 host. It is the same text for every
/// stack (stack values come from host.env and the release JSON), so tests run this exact script.
/// <c>CONVEX_ROOT</c> moves every file it touches below another directory (tests only).
/// </summary>
public static class ReleaseScript
{
    public const string Text = """
        #!/usr/bin/env bash
        # convex-release: applies the Convex release published in SSM Parameter Store to this host.
        # A release (rendered by convex-infra) names the files under /etc/convex and the SecureString
        # parameters that hold the backend's secrets. Nothing happens while the release's sha256 equals the
        # last applied one. Everything that can fail (reading SSM, validating, pulling images) happens before
        # the running containers are touched, so a broken release leaves the previous one serving. The hash
        # is recorded only once the new release is up; until then every run retries.
        set -euo pipefail
        set +x # secrets pass through this script: never trace it
        umask 077

        root="${CONVEX_ROOT:-}"
        conf_dir="$root/etc/convex"
        state_dir="$root/var/lib/convex"
        applied_file="$state_dir/applied.sha256"
        project=convex

        log() { printf 'convex-release: %s\n' "$*" >&2; }
        abort() {
          log "FAILED before touching the running release: $*"
          exit 1
        }
        fail() {
          log "FAILED while switching releases: $*; the next run retries"
          exit 1
        }

        # shellcheck source=/dev/null
        . "$conf_dir/host.env"
        : "${CONVEX_REGION:?host.env must set CONVEX_REGION}"
        : "${CONVEX_RELEASE_PARAMETER:?host.env must set CONVEX_RELEASE_PARAMETER}"
        : "${CONVEX_RDS_CA_URL:?host.env must set CONVEX_RDS_CA_URL}"

        mkdir -p "$state_dir"
        exec 9>"$state_dir/lock"
        if ! flock -n 9; then
          log "another run is applying a release; skipping"
          exit 0
        fi

        get_parameter() { # NAME [--with-decryption]
          aws ssm get-parameter --region "$CONVEX_REGION" --name "$1" "${@:2}" --query Parameter.Value --output text
        }

        compose() { docker-compose -p "$project" "$@"; }

        release=$(get_parameter "$CONVEX_RELEASE_PARAMETER") || abort "cannot read SSM parameter $CONVEX_RELEASE_PARAMETER"
        hash=$(printf '%s' "$release" | sha256sum | cut -d' ' -f1)
        applied=""
        if [[ -f "$applied_file" ]]; then
          applied=$(cat "$applied_file")
        fi
        if [[ "$hash" = "$applied" ]]; then
          exit 0
        fi

        jq -e '.format == 1' >/dev/null <<<"$release" || abort "release $hash is not format-1 JSON"
        revision=$(jq -r '.revision' <<<"$release")
        log "applying release $hash (image revision $revision)"

        stage=$(mktemp -d "$state_dir/stage.XXXXXX")
        trap 'rm -rf "$stage"' EXIT
        installed=()

        count=$(jq '.files | length' <<<"$release")
        for ((i = 0; i < count; i++)); do
          path=$(jq -r ".files[$i].path" <<<"$release")
          mode=$(jq -r ".files[$i].mode" <<<"$release")
          # Flat names or one directory level below /etc/convex; no dot-files, no '..'.
          [[ $path =~ ^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)?$ ]] || abort "refusing file path '$path'"
          [[ $mode =~ ^0[0-7]{3}$ ]] || abort "refusing mode '$mode' for $path"
          mkdir -p "$(dirname "$stage/$path")"
          jq -j ".files[$i].content" <<<"$release" >"$stage/$path"
          chmod "$mode" "$stage/$path"
          installed+=("$path")
        done

        secrets_file="$stage/backend.secrets.env"
        : >"$secrets_file"
        chmod 0600 "$secrets_file"
        count=$(jq '.secrets | length' <<<"$release")
        for ((i = 0; i < count; i++)); do
          name=$(jq -r ".secrets[$i].name" <<<"$release")
          parameter=$(jq -r ".secrets[$i].parameter" <<<"$release")
          [[ $name =~ ^[A-Z_][A-Z0-9_]*$ ]] || abort "refusing secret variable name '$name'"
          value=$(get_parameter "$parameter" --with-decryption) || abort "cannot read SecureString parameter $parameter"
          if [[ -z "$value" ]] || [[ $value == *$'\n'* ]]; then
            abort "SecureString parameter $parameter is empty or spans several lines"
          fi
          printf '%s=%s\n' "$name" "$value" >>"$secrets_file"
        done
        unset value
        installed+=("backend.secrets.env")

        ca_bundle="$conf_dir/certs/rds-global-bundle.pem"
        if [[ ! -s "$ca_bundle" ]]; then
          curl -fsSL --retry 3 -o "$stage/rds-ca.pem" "$CONVEX_RDS_CA_URL" || abort "cannot download the RDS CA bundle from $CONVEX_RDS_CA_URL"
          grep -q 'BEGIN CERTIFICATE' "$stage/rds-ca.pem" || abort "$CONVEX_RDS_CA_URL did not return PEM certificates"
          mkdir -p "$conf_dir/certs"
          chmod 0644 "$stage/rds-ca.pem"
          mv -f "$stage/rds-ca.pem" "$ca_bundle"
        fi

        compose -f "$stage/docker-compose.yml" config -q || abort "the release's compose file is invalid"
        compose -f "$stage/docker-compose.yml" pull -q || abort "cannot pull the release's images"
        compose -f "$stage/docker-compose.yml" run --rm --no-deps -T caddy \
          caddy validate --config /etc/caddy/Caddyfile --adapter caddyfile >/dev/null ||
          abort "Caddy rejects the release's Caddyfile"

        for path in "${installed[@]}"; do
          mkdir -p "$(dirname "$conf_dir/$path")"
          mv -f "$stage/$path" "$conf_dir/$path"
        done

        # Compose stops the old backend (SIGINT, grace period) before it starts the new one: never two backends.
        compose -f "$conf_dir/docker-compose.yml" up -d --remove-orphans || fail "docker-compose up failed"
        compose -f "$conf_dir/docker-compose.yml" exec -T caddy \
          caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile || fail "Caddy did not reload its configuration"
        docker image prune -af >/dev/null || log "could not prune unused images (continuing)"

        printf '%s\n' "$hash" >"$applied_file.tmp"
        mv -f "$applied_file.tmp" "$applied_file"
        log "applied release $hash (image revision $revision)"

        """;
}
