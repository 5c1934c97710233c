namespace ConvexInfra.Core.Rendering;

/// <summary>
/// <c>convex-bootstrap</c>, the only script in the user data, run at every boot by <c>convex-bootstrap.service</c>
/// until it succeeds. It is deliberately minimal and stable: it installs jq; while no release exists yet (a first
/// deploy writes it only once the database answers, minutes after the instance boots) it pulls the images of the
/// pinned revision that the plain images parameter names (<see cref="HostImages"/>) and reads the release parameter every
/// <c>CONVEX_RELEASE_POLL_SECONDS</c> (2 s: a few hundred free standard-throughput GetParameter calls once in the
/// instance's life), so the first release starts without a pull within seconds of its write; then it installs
/// <c>convex-release</c> from the host tooling the release names (checked against the release's sha256) and runs
/// it. <c>convex-release</c> installs the rest of the tooling (units, <c>convex-host-setup</c>: Docker, Compose,
/// security updates) itself, so a new version of any of those arrives with a release and never changes user data.
/// <c>CONVEX_ROOT</c> moves every file it touches below another directory and <c>CONVEX_BOOTSTRAP_WAIT_SECONDS</c>
/// bounds one run's wait for the release (tests only; systemd restarts the unit after it).
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

        poll="${CONVEX_RELEASE_POLL_SECONDS:-2}"
        wait_limit="${CONVEX_BOOTSTRAP_WAIT_SECONDS:-1800}"
        prepulled="$root/var/lib/convex/prepulled"

        get_parameter() {
          aws ssm get-parameter --region "$CONVEX_REGION" --name "$1" --query Parameter.Value --output text
        }

        # prepull: the images of the pinned revision (a plain parameter: image names are not secret), pulled once
        # while the database is created, so that applying the first release starts containers without a pull. A
        # failure only costs that pull later: convex-release pulls what is missing.
        prepull() {
          local images image
          local -a list
          [[ -n "${CONVEX_IMAGES_PARAMETER:-}" && ! -s "$prepulled" ]] || return 0
          images=$(get_parameter "$CONVEX_IMAGES_PARAMETER") || {
            log "cannot read $CONVEX_IMAGES_PARAMETER; the release will pull its images"
            return 0
          }
          command -v docker >/dev/null || dnf install -y docker || return 0
          systemctl start docker || return 0
          read -ra list <<<"$images"
          for image in "${list[@]}"; do
            [[ $image =~ ^[a-z0-9][a-z0-9./_-]*(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?$ ]] || {
              log "refusing image name '$image' from $CONVEX_IMAGES_PARAMETER"
              return 0
            }
            docker pull -q "$image" >/dev/null || {
              log "could not pre-pull $image; the release will pull it"
              return 0
            }
          done
          mkdir -p "$(dirname "$prepulled")"
          printf '%s\n' "${list[@]}" >"$prepulled"
          log "pre-pulled $(wc -l <"$prepulled") image(s) for the first release"
        }

        command -v jq >/dev/null || dnf install -y jq

        # The release exists only once the database does: pre-pull meanwhile, then look for it every $poll s.
        waited=0
        until release=$(get_parameter "$CONVEX_RELEASE_PARAMETER" 2>/dev/null); do
          if ((waited == 0)); then
            prepull
          fi
          if ((waited >= wait_limit)); then
            log "no release in $CONVEX_RELEASE_PARAMETER yet; systemd retries"
            exit 1
          fi
          sleep "$poll"
          waited=$((waited + poll))
        done
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
