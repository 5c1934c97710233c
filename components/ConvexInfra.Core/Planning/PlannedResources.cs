using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>The resources each target creates, described from the spec (sizes, protection, exposure).</summary>
internal static class PlannedResources
{
    public static IReadOnlyList<PlannedResource> For(DeploymentSpec spec) => spec.Target switch
    {
        DeploymentTarget.Local => [.. Local(spec)],
        DeploymentTarget.AwsEc2 => [.. Shared(spec), .. Ec2(spec)],
        DeploymentTarget.AwsEcs => [.. Shared(spec), .. Ecs(spec)],
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Target, "unknown target"),
    };

    private static IEnumerable<PlannedResource> Local(DeploymentSpec spec)
    {
        yield return new("docker", "network and named volumes (kept on destroy)");
        if (spec.Database.Engine == DatabaseEngine.Postgres)
        {
            yield return new("docker", $"postgres container with database {spec.DatabaseName} (no published port)");
        }
        else
        {
            yield return new("docker", "SQLite on the backend's data volume");
        }

        yield return new("docker", $"backend {spec.BackendImage} on 127.0.0.1:{spec.Local?.ApiPort}/{spec.Local?.SitePort}");
        yield return new("docker", $"dashboard {spec.DashboardImage} on 127.0.0.1:{spec.Local?.DashboardPort}");
        yield return new("secrets", "instance secret (32 random bytes) and a stable admin key, both Pulumi secrets");
    }

    private static IEnumerable<PlannedResource> Shared(DeploymentSpec spec)
    {
        var db = spec.Database;
        var protection = spec.Protection.ProtectData ? "protected (deletion protection, final snapshot, retain)" : "not protected (dev)";
        yield return new("network", $"VPC {spec.Network.VpcCidr}, public + private subnets over {spec.Network.AvailabilityZoneCount} AZs, internet gateway, S3 gateway endpoint");
        yield return new("database", $"RDS PostgreSQL {db.EngineVersion} {db.InstanceClass}, {db.AllocatedStorageGb}–{db.MaxAllocatedStorageGb} GB gp3, " +
            $"{(db.MultiAz ? "Multi-AZ" : "single-AZ")}, backups {db.BackupRetentionDays} d, encrypted, private, SSL forced, {protection}");
        yield return new("storage", $"5 S3 buckets (exports, snapshot imports, modules, files, search): private, encrypted, TLS-only" +
            (spec.Protection.RetainBucketsOnDelete ? ", retained on delete" : string.Empty));
        yield return new("secrets", "instance secret, database password, POSTGRES_URL and admin key in SSM SecureString; admin key output (secret)");
        if (spec.Dns is not null)
        {
            yield return new("dns", $"Route 53 records in zone {spec.Dns.HostedZoneId} for {spec.Endpoints.ApiHostname}, {spec.Endpoints.SiteHostname}, {spec.Endpoints.DashboardHostname}");
        }
        else
        {
            yield return new("dns", "no zone configured: the records to create by hand are the dnsRecords output");
        }
    }

    private static IEnumerable<PlannedResource> Ec2(DeploymentSpec spec)
    {
        var ssh = spec.Network.SshAllowedCidrs.Count == 0 ? "SSH closed" : $"SSH from {string.Join(", ", spec.Network.SshAllowedCidrs)}";
        yield return new("compute", $"EC2 {spec.Compute.Ec2InstanceType} (Graviton, AL2023), {spec.Compute.RootVolumeGb} GB encrypted gp3, IMDSv2, Elastic IP, {ssh}");
        yield return new("compute", $"Caddy (automatic HTTPS) in front of backend + dashboard at {spec.ImageRevision[..12]}…, applied from the SSM release parameter");
        yield return new("compute", $"host tooling parameter (convex-release, convex-host-setup, units) installed by the host before each release; " +
            $"security updates in the patch window {spec.Rollout.PatchWindow.Text} UTC");
        yield return new("rollout", $"host-status parameter written by the host; pulumi up waits up to {spec.Rollout.HostReportTimeoutMinutes} min for its report; " +
            $"rollback when /version is not answered within {spec.Rollout.BackendHealthTimeoutMinutes} min; alarm on failed or rolled-back releases");
        yield return new("logs", $"CloudWatch log group {Naming.ResourceNames.HostLogGroup(spec)} (backend, dashboard, proxy), {spec.Monitoring.LogRetentionDays} days");
        yield return new("iam", "instance role: the five buckets, the stack's own SSM parameters, KMS decrypt through SSM, writes only its host-status parameter and logs");
    }

    private static IEnumerable<PlannedResource> Ecs(DeploymentSpec spec)
    {
        var compute = spec.Compute;
        yield return new("compute", $"ECS Fargate ARM64 service, 1 task ({compute.FargateCpu} CPU units, {compute.FargateMemoryMb} MiB, {compute.FargateEphemeralStorageGb} GB ephemeral), " +
            $"{(compute.EcsSubnets == EcsSubnetPlacement.Public ? "public subnets with public IPs" : "private subnets behind a NAT gateway")}");
        yield return new("load balancer", "ALB with ACM certificate, HTTPS listener with host rules, HTTP → HTTPS redirect, idle timeout 300 s+");
        yield return new("compute", $"Caddy ({Rendering.HostLayout.CaddyImage}) in the task: the site hostname reaches HTTP actions through the backend's 3210/http route (no 4-request cap)");
        yield return new("iam", "task role (buckets), execution role (SSM secrets, logs)");
        yield return new("logs", $"CloudWatch log group, {spec.Monitoring.LogRetentionDays} days");
    }
}
