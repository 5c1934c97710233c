using ConvexInfra.Core.Local;
using Pulumi;
using Docker = Pulumi.Docker;

namespace ConvexInfra.Components.Local;

/// <summary>Translates one <see cref="LocalContainer"/> of the plan into the Docker provider's container arguments.</summary>
internal static class LocalContainerArgs
{
    public static Docker.ContainerArgs Build(
        LocalContainer container,
        Output<string> imageId,
        InputList<string> environment,
        Output<string> networkName,
        IReadOnlyDictionary<string, Docker.Volume> volumes)
    {
        var check = container.HealthCheck;
        var args = new Docker.ContainerArgs
        {
            Name = container.Name,
            Image = imageId,
            Envs = environment,
            Ports = container.Ports.Select(p => new Docker.Inputs.ContainerPortArgs
            {
                Internal = p.ContainerPort,
                External = p.HostPort,
                Ip = p.HostIp,
                Protocol = "tcp",
            }).ToList(),
            Volumes = container.Volumes.Select(m => new Docker.Inputs.ContainerVolumeArgs
            {
                // The volume resource's name (not the plain string) makes the container depend on it.
                VolumeName = volumes[m.VolumeName].Name,
                ContainerPath = m.ContainerPath,
            }).Concat(container.Binds.Select(b => new Docker.Inputs.ContainerVolumeArgs
            {
                HostPath = b.HostPath,
                ContainerPath = b.ContainerPath,
            })).ToList(),
            NetworksAdvanced =
            {
                new Docker.Inputs.ContainerNetworksAdvancedArgs
                {
                    Name = networkName,
                    Aliases = { LocalNames.RoleName(container.Role) },
                },
            },
            Healthcheck = new Docker.Inputs.ContainerHealthcheckArgs
            {
                Tests = check.Test.ToList(),
                Interval = HealthCheck.Duration(check.IntervalSeconds),
                Timeout = HealthCheck.Duration(check.TimeoutSeconds),
                StartPeriod = HealthCheck.Duration(check.StartPeriodSeconds),
                Retries = check.Retries,
            },
            // `pulumi up` returns only once the container reports healthy, so dependents start in order.
            Wait = true,
            WaitTimeout = container.HealthyWaitSeconds,
            StopSignal = container.StopSignal,
            StopTimeout = container.StopGraceSeconds,
            // Also stop gracefully (with the stop signal) when Pulumi deletes or replaces the container.
            DestroyGraceSeconds = container.StopGraceSeconds,
            Restart = container.RestartPolicy,
            MustRun = true,
            Labels = container.Labels.Select(l => new Docker.Inputs.ContainerLabelArgs { Label = l.Key, Value = l.Value }).ToList(),
            LogDriver = "json-file",
            LogOpts = container.LogOptions.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        };

        // Only the exporter replaces the image's command; the Convex containers keep theirs (no diff on existing stacks).
        if (container.Command.Count > 0)
        {
            args.Command = container.Command.ToList();
        }

        return args;
    }
}
