namespace ConvexInfra.Core.Rendering;

/// <summary>
/// <c>convex-host-setup</c>, part of the host tooling: run by <c>convex-release</c> whenever the tooling changes.
/// Installs Docker, jq and the pinned Docker Compose binary (checked against its published sha256), puts the container
/// firewall in place before any container of the release starts (<see cref="ContainerFirewall"/>), turns on
/// security updates (<c>dnf-automatic</c>, in the stack's patch window), installs the pinned CloudWatch agent from
/// the distribution and starts it with the backend-metrics configuration of the tooling (<see cref="Ops.CloudWatchAgentConfig"/>)
/// and enables the release timer. Safe to run again. <c>CONVEX_ROOT</c> moves every file it writes below another directory (tests only).
/// </summary>
public static class HostSetupScript
{
    public static string Text { get; } = """
        #!/usr/bin/env bash
        # convex-host-setup: installs what convex-release needs and keeps the host patched. Safe to run again.
        set -euo pipefail
        umask 022

        root="${CONVEX_ROOT:-}"
        compose_version=__COMPOSE_VERSION__
        log() { printf 'convex-host-setup: %s\n' "$*" >&2; }

        dnf install -y docker jq dnf-automatic __CW_AGENT_PACKAGE__
        # AL2023 pins its repositories to the AMI's release version, which receives no updates; 'latest' lets
        # dnf-automatic see the current security updates.
        mkdir -p "$root/etc/dnf/vars"
        printf 'latest\n' >"$root/etc/dnf/vars/releasever"
        # Containers other than the backend never reach the instance metadata service: the rules go in now (before this
        # release's containers start) and at every boot before docker.service (which requires the unit).
        "$root__FIREWALL__"
        systemctl enable __FIREWALL_UNIT__
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
          mkdir -p "$root/usr/local/bin"
          install -m 0755 "$tmp/$asset" "$root/usr/local/bin/docker-compose"
          rm -rf "$tmp"
        fi

        install -d -m 0755 "$root/etc/convex" "$root/etc/convex/caddy" "$root/etc/convex/certs"
        install -d -m 0700 "$root/var/lib/convex"

        systemctl daemon-reload
        systemctl enable --now convex-release.timer dnf-automatic.timer
        # The backend's metrics (scraped on loopback through the relay) go to the stack's CloudWatch namespace; fetch-config
        # validates the file, writes the agent's own configuration and (-s) restarts the agent with it.
        "$root__CW_AGENT_CTL__" -a fetch-config -m ec2 -s -c "file:__CW_AGENT_CONFIG__"

        """.Replace("__COMPOSE_VERSION__", HostLayout.ComposeVersion, StringComparison.Ordinal)
        .Replace("__FIREWALL__", HostLayout.ContainerFirewallScriptPath, StringComparison.Ordinal)
        .Replace("__FIREWALL_UNIT__", ContainerFirewall.UnitName, StringComparison.Ordinal)
        .Replace("__CW_AGENT_PACKAGE__", HostLayout.CloudWatchAgentPackage, StringComparison.Ordinal)
        .Replace("__CW_AGENT_CTL__", HostLayout.CloudWatchAgentCtlPath, StringComparison.Ordinal)
        .Replace("__CW_AGENT_CONFIG__", Ops.CloudWatchAgentConfig.HostAgentConfigPath, StringComparison.Ordinal);
}
