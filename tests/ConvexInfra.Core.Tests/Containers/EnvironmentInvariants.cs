using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Spec;
using static ConvexInfra.Core.Containers.ConvexEnvNames;

namespace ConvexInfra.Core.Tests.Containers;

/// <summary>The rules of convex-facts §2 as checks over a rendered environment; each returns the broken rules.</summary>
public static class EnvironmentInvariants
{
    public static IReadOnlyList<string> Backend(DeploymentSpec spec, ContainerEnvironment env)
    {
        var broken = new List<string>();
        void Expect(bool ok, string rule)
        {
            if (!ok)
            {
                broken.Add(rule);
            }
        }

        var onAws = spec.Target.IsAws();
        Expect(env.Find(InstanceName) == spec.InstanceName, "INSTANCE_NAME is the spec's instance name");
        Expect(env.HasSecret(InstanceSecret) && env.Find(InstanceSecret) is null, "INSTANCE_SECRET is a secret, never plain");
        Expect(env.Find(CloudOrigin) == spec.Endpoints.ApiOrigin, "CONVEX_CLOUD_ORIGIN is the API origin");
        Expect(env.Find(SiteOrigin) == spec.Endpoints.SiteOrigin, "CONVEX_SITE_ORIGIN is the site origin");
        Expect(env.Find(CloudOrigin)?.EndsWith('/') == false, "origins have no trailing slash");

        var postgres = spec.Database.Engine == DatabaseEngine.Postgres;
        Expect(env.HasSecret(PostgresUrlVar) == postgres && env.Find(PostgresUrlVar) is null, "POSTGRES_URL is a secret exactly when the engine is postgres");
        Expect((env.Find(PgCaFile) == ConvexEnvironment.RdsCaBundlePath) == (onAws && postgres), "PG_CA_FILE exactly for RDS");
        Expect((env.Find(DoNotRequireSsl) == "true") == (!onAws && postgres), "DO_NOT_REQUIRE_SSL only for the local postgres container");
        Expect(!onAws || env.Find(DoNotRequireSsl) is null, "never DO_NOT_REQUIRE_SSL on AWS");

        var s3 = ConvexEnvNames.S3Buckets.Append(AwsRegion).Select(env.Find).ToList();
        Expect(s3.All(v => !string.IsNullOrEmpty(v)) || s3.All(v => v is null), "AWS_REGION and the five buckets: all or none");
        Expect(s3.All(v => v is not null) == onAws, "S3 storage exactly on AWS");
        Expect(!env.Names.Any(n => n.StartsWith("AWS_S3_", StringComparison.Ordinal) || n == "S3_ENDPOINT_URL"), "no AWS_S3_* flags, no endpoint override");

        foreach (var flag in new[] { DisableBeacon, RedactLogsToClient, DoNotRequireSsl })
        {
            Expect(env.Find(flag) is null or "true", $"{flag} is emitted only as 'true' (any value switches it on)");
        }

        Expect((env.Find(DisableBeacon) is not null) == spec.Backend.DisableBeacon, "DISABLE_BEACON follows the spec");
        Expect((env.Find(RedactLogsToClient) is not null) == spec.Backend.RedactLogsToClient, "REDACT_LOGS_TO_CLIENT follows the spec");
        Expect(env.Find(DocumentRetentionDelay) == spec.Backend.DocumentRetentionDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "DOCUMENT_RETENTION_DELAY follows the spec");
        Expect(env.Find(RustLog) == spec.Backend.RustLog, "RUST_LOG follows the spec");
        Expect((env.Find(LogFormat) == "json") == onAws, "LOG_FORMAT=json exactly on AWS");
        Expect(env.Names.Distinct().Count() == env.Names.Count(), "every name once");
        return broken;
    }
}
