namespace ConvexInfra.Core.Rendering;

/// <summary>
/// <c>convex-bootstrap</c>, run once by cloud-init on Amazon Linux 2023 (arm64 or x86_64): installs Docker,
/// jq and the pinned Docker Compose binary, prepares the directories and starts the release timer. The
/// AWS CLI and curl ship with the AMI. Nothing stack-specific is in here: that is host.env's job.
/// </summary>
public static class BootstrapScript
{
    public static string Text { get; } = """
        #!/usr/bin/env bash
        # convex-bootstrap: prepares this host for convex-release. Safe to run again.
        set -euo pipefail

        compose_version=__COMPOSE_VERSION__
        log() { printf 'convex-bootstrap: %s\n' "$*" >&2; }

        dnf install -y docker jq
        systemctl enable --now docker

        arch=$(uname -m)
        case "$arch" in
          x86_64 | aarch64) ;;
          *)
            log "unsupported architecture $arch"
            exit 1
            ;;
        esac

        if [[ "$(docker-compose version --short 2>/dev/null || true)" != "${compose_version#v}" ]]; then
          asset="docker-compose-linux-$arch"
          url="https://github.com/docker/compose/releases/download/$compose_version/$asset"
          tmp=$(mktemp -d)
          curl -fsSL --retry 5 -o "$tmp/$asset" "$url"
          curl -fsSL --retry 5 -o "$tmp/$asset.sha256" "$url.sha256"
          expected=$(cut -d' ' -f1 <"$tmp/$asset.sha256")
          actual=$(sha256sum "$tmp/$asset" | cut -d' ' -f1)
          if [[ "$expected" != "$actual" ]]; then
            log "checksum mismatch for $url"
            exit 1
          fi
          install -m 0755 "$tmp/$asset" /usr/local/bin/docker-compose
          rm -rf "$tmp"
        fi

        install -d -m 0755 /etc/convex /etc/convex/caddy /etc/convex/certs
        install -d -m 0700 /var/lib/convex

        systemctl daemon-reload
        systemctl enable --now convex-release.timer
        # Apply the current release now rather than at the next timer tick.
        /usr/local/sbin/convex-release || log "first apply failed; convex-release.timer retries every minute"

        """.Replace("__COMPOSE_VERSION__", HostLayout.ComposeVersion, StringComparison.Ordinal);
}
