using System.Globalization;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using static ConvexInfra.Core.Containers.ConvexEnvNames;

namespace ConvexInfra.Core.Containers;

/// <summary>The environment of the backend and dashboard containers for one stack, on every target.</summary>
public static class ConvexEnvironment
{
    /// <summary>Where the RDS CA bundle is mounted inside the backend container (PG_CA_FILE).</summary>
    public const string RdsCaBundlePath = "/convex/certs/rds-global-bundle.pem";

    /// <summary>AWS's bundle of every RDS region's CA certificates.</summary>
    public const string RdsCaBundleUrl = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";

    /// <param name="spec">The stack.</param>
    /// <param name="aws">Bucket names and region for AWS targets; null exactly when the target is local.</param>
    public static ContainerEnvironment Backend(DeploymentSpec spec, AwsRuntimeValues? aws)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var onAws = spec.Target.IsAws();
        if (onAws && aws is null)
        {
            throw new ArgumentException(
                $"target {spec.Target.ConfigName()} needs AWS runtime values (region, buckets); got none", nameof(aws));
        }

        if (!onAws && aws is not null)
        {
            throw new ArgumentException("target local takes no AWS runtime values; pass null", nameof(aws));
        }

        var plain = new List<EnvVar>
        {
            new(InstanceName, spec.InstanceName),
            new(CloudOrigin, spec.Endpoints.ApiOrigin),
            new(SiteOrigin, spec.Endpoints.SiteOrigin),
        };
        var secrets = new List<SecretEnvVar> { new(InstanceSecret, SecretKind.InstanceSecret) };

        if (spec.Database.Engine == DatabaseEngine.Postgres)
        {
            secrets.Add(new SecretEnvVar(ConvexEnvNames.PostgresUrlVar, SecretKind.PostgresUrl));
            // RDS gets verified TLS with AWS's CA bundle; only the local Postgres container has no TLS at all.
            plain.Add(onAws ? new EnvVar(PgCaFile, RdsCaBundlePath) : new EnvVar(DoNotRequireSsl, "true"));
        }

        if (aws is not null)
        {
            // All six or none: with any one missing the backend silently falls back to local disk.
            plain.Add(new EnvVar(AwsRegion, aws.Region));
            plain.Add(new EnvVar(ExportsBucket, aws.Buckets.Exports));
            plain.Add(new EnvVar(SnapshotImportsBucket, aws.Buckets.SnapshotImports));
            plain.Add(new EnvVar(ModulesBucket, aws.Buckets.Modules));
            plain.Add(new EnvVar(FilesBucket, aws.Buckets.Files));
            plain.Add(new EnvVar(SearchBucket, aws.Buckets.Search));
        }

        // These two are on for ANY non-empty value, so "false" would switch them on: emit only when wanted.
        if (spec.Backend.DisableBeacon)
        {
            plain.Add(new EnvVar(DisableBeacon, "true"));
        }

        if (spec.Backend.RedactLogsToClient)
        {
            plain.Add(new EnvVar(RedactLogsToClient, "true"));
        }

        plain.Add(new EnvVar(DocumentRetentionDelay, spec.Backend.DocumentRetentionDelaySeconds.ToString(CultureInfo.InvariantCulture)));
        // The backendTuning knobs whose value is not the image's own default: an unset variable means that default, and
        // the EC2 release shares SSM's 8 KB with everything else the host needs.
        plain.AddRange(spec.Backend.Knobs.Entries().Where(e => e.Value != e.Knob.UpstreamDefault)
            .Select(e => new EnvVar(e.Knob.EnvName, e.Value.ToString(CultureInfo.InvariantCulture))));
        plain.Add(new EnvVar(RustLog, spec.Backend.RustLog));
        if (onAws)
        {
            plain.Add(new EnvVar(LogFormat, "json"));
        }

        // Local: nothing scrapes /metrics, so the backend refuses it itself (fact env-disable-metrics-endpoint), behind
        // the proxy's 404. AWS: the CloudWatch agent scrapes it on loopback through the metrics relay (Ops.AppMetrics);
        // from outside, Caddy and the load balancer answer 404 for /metrics on every hostname (InternalEndpoints).
        if (!onAws)
        {
            plain.Add(new EnvVar(DisableMetricsEndpoint, "true"));
        }
        return new ContainerEnvironment(plain, secrets).Validate();
    }

    /// <summary>
    /// The dashboard's environment. The admin key is deliberately absent: NEXT_PUBLIC_ADMIN_KEY would be
    /// sent to every browser that opens the dashboard. NEXT_PUBLIC_LOAD_MONACO_INTERNALLY is left unset: the
    /// dashboard then loads its editor the default way (fact env-load-monaco-internally).
    /// </summary>
    public static IReadOnlyList<EnvVar> Dashboard(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        IReadOnlyList<EnvVar> vars =
        [
            new(DashboardDeploymentUrl, spec.Endpoints.ApiOrigin),
        ];
        _ = new ContainerEnvironment(vars, []).Validate();
        return vars;
    }
}
