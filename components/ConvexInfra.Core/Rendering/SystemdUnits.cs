using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rendering;

/// <summary>
/// The units that keep the host on the published release and patched. Containers need no unit of their own:
/// Docker's restart policy (<c>always</c>) brings them back after a crash or a reboot.
/// </summary>
public static class SystemdUnits
{
    public const string ServiceName = "convex-release.service";
    public const string TimerName = "convex-release.timer";
    public const string BootstrapServiceName = "convex-bootstrap.service";
    public const string PatchTimerDropIn = "dnf-automatic.timer.d/convex.conf";

    /// <summary>The release service and timer (host tooling, delivered with the release).</summary>
    public static IReadOnlyList<RenderedFile> Render(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parameter = ResourceNames.ReleaseParameter(spec);
        var service = $"""
            [Unit]
            Description=Apply the Convex release published in SSM parameter {parameter}
            Documentation=file://{HostLayout.ReleaseScriptPath}
            Requires=docker.service
            Wants=network-online.target
            After=docker.service network-online.target

            [Service]
            Type=oneshot
            ExecStart={HostLayout.ReleaseScriptPath}
            # Image pulls, startup migrations and a rollback can take minutes.
            TimeoutStartSec=90min
            PrivateTmp=yes
            NoNewPrivileges=yes

            """;
        var timer = $"""
            [Unit]
            Description=Check for a new Convex release every minute, and finish an interrupted one after boot

            [Timer]
            OnBootSec=30s
            OnCalendar=minutely
            AccuracySec=5s
            Unit={ServiceName}

            [Install]
            WantedBy=timers.target

            """;
        return
        [
            new($"{HostLayout.SystemdDir}/{ServiceName}", service, "0644"),
            new($"{HostLayout.SystemdDir}/{TimerName}", timer, "0644"),
        ];
    }

    /// <summary>Security updates: dnf-automatic's timer moved into the stack's patch window (host tooling).</summary>
    public static IReadOnlyList<RenderedFile> Patching(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var dropIn = $"""
            # convex-infra: security updates start in the stack's patch window ({spec.Rollout.PatchWindow.Text} UTC).
            [Timer]
            OnCalendar=
            OnCalendar={spec.Rollout.PatchWindow.OnCalendar}
            RandomizedDelaySec=15min
            Persistent=true

            """;
        const string config = """
            # convex-infra: apply security updates only; results go to the journal (journalctl -u dnf-automatic).
            [commands]
            upgrade_type = security
            random_sleep = 0
            download_updates = yes
            apply_updates = yes

            [emitters]
            emit_via = stdio

            [base]
            debuglevel = 1

            """;
        return
        [
            new($"{HostLayout.SystemdDir}/{PatchTimerDropIn}", dropIn, "0644"),
            new("/etc/dnf/automatic.conf", config, "0644"),
        ];
    }

    /// <summary>The user data's one unit: runs convex-bootstrap at every boot until the host tooling is installed.</summary>
    public static RenderedFile Bootstrap()
    {
        var unit = $"""
            [Unit]
            Description=Install the Convex host tooling named by the current release
            Wants=network-online.target
            After=network-online.target

            [Service]
            Type=oneshot
            ExecStart={HostLayout.BootstrapScriptPath}
            Restart=on-failure
            RestartSec=30s
            TimeoutStartSec=90min

            [Install]
            WantedBy=multi-user.target

            """;
        return new($"{HostLayout.SystemdDir}/{BootstrapServiceName}", unit, "0644");
    }
}
