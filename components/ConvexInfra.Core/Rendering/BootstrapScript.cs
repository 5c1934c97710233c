namespace ConvexInfra.Core.Rendering;

/// <summary>
/// <c>convex-bootstrap</c>, the only script in the user data, run at every boot by <c>convex-bootstrap.service</c>
/// until it succeeds. It is deliberately minimal and stable: it installs jq, reads the current release, installs
/// <c>convex-release</c> from the host tooling the release names (checked against the release's sha256) and runs
/// it. <c>convex-release</c> installs the rest of the tooling (units, <c>convex-host-setup</c>: Docker, Compose,
/// security updates) itself, so a new version of any of those arrives with a release and never changes user data.
/// <c>CONVEX_ROOT</c> moves every file it touches below another directory (tests only).
/// </summary>
public static class BootstrapScript
{
    public const string Text = """
        #!/usr/bin/env bash
        # convex-bootstrap: installs convex-release from the release's host tooling and runs it. Safe to run again.
        set -euo pipefail
        umask 022

        root="${CONVEX_ROOT:-}"
        log() { printf 'convex-bootstrap: %s\n' "$*" >&2; }

        # shellcheck source=/dev/null
        . "$root/etc/convex/host.env"
        : "${CONVEX_REGION:?host.env must set CONVEX_REGION}"
        : "${CONVEX_RELEASE_PARAMETER:?host.env must set CONVEX_RELEASE_PARAMETER}"

        get_parameter() {
          aws ssm get-parameter --region "$CONVEX_REGION" --name "$1" --query Parameter.Value --output text
        }

        command -v jq >/dev/null || dnf install -y jq

        # The release exists only once the database does; systemd restarts this unit until then.
        release=$(get_parameter "$CONVEX_RELEASE_PARAMETER") || {
          log "no release in $CONVEX_RELEASE_PARAMETER yet; retrying"
          exit 1
        }
        parameter=$(jq -r '.host.tooling.parameter' <<<"$release")
        expected=$(jq -r '.host.tooling.sha256' <<<"$release")
        tooling=$(get_parameter "$parameter") || {
          log "cannot read the host tooling parameter $parameter; retrying"
          exit 1
        }
        tooling=$(printf '%s' "$tooling" | base64 -d | gzip -dc) || {
          log "the host tooling in $parameter is not base64 gzip; retrying"
          exit 1
        }
        if [[ "$(printf '%s' "$tooling" | sha256sum | cut -d' ' -f1)" != "$expected" ]]; then
          log "the host tooling in $parameter does not match the release yet; retrying"
          exit 1
        fi

        mkdir -p "$root/usr/local/sbin"
        jq -j '.files[] | select(.path == "/usr/local/sbin/convex-release") | .content' <<<"$tooling" >"$root/usr/local/sbin/convex-release.new"
        [[ -s "$root/usr/local/sbin/convex-release.new" ]] || {
          log "the host tooling holds no convex-release"
          exit 1
        }
        chmod 0755 "$root/usr/local/sbin/convex-release.new"
        mv -f "$root/usr/local/sbin/convex-release.new" "$root/usr/local/sbin/convex-release"

        # convex-release installs the remaining tooling, enables its timer and applies the release. Its own failures
        # are reported to the stack and retried by the timer; only missing tooling makes this unit try again.
        "$root/usr/local/sbin/convex-release" || log "convex-release failed; its timer retries every minute"
        if [[ ! -s "$root/var/lib/convex/tooling.sha256" ]]; then
          log "the host tooling is not installed yet; retrying"
          exit 1
        fi

        """;
}
