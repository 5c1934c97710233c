using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rendering;

/// <summary>
/// The units that keep the host on the published release. Containers need no unit of their own: Docker's
/// restart policy (<c>always</c>) brings them back after a crash or a reboot.
/// </summary>
public static class SystemdUnits
{
    public const string ServiceName = "convex-release.service";
    public const string TimerName = "convex-release.timer";

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
            # Image pulls and startup migrations can take minutes.
            TimeoutStartSec=30min
            PrivateTmp=yes
            NoNewPrivileges=yes

            """;
        var timer = $"""
            [Unit]
            Description=Check for a new Convex release every minute

            [Timer]
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
}
