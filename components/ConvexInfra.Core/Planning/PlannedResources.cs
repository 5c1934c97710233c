using ConvexInfra.Core.Aws;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using T = ConvexInfra.Core.Planning.ResourceTypes;

namespace ConvexInfra.Core.Planning;

/// <summary>
/// Every resource a first <c>pulumi up</c> of the stack registers, by component (<see cref="PlannedResource.Group"/>)
/// and Pulumi type, counted from the spec with the same Core plans the components use (network plan, ingress plan,
/// ALB routing plan, monitoring plan, local plan). A component test runs the real program under mocks for every
/// stack file and compares these counts with what it registered, so adding a resource to a component without
/// listing it here fails.
/// </summary>
internal static class PlannedResources
{
    /// <summary>Buckets whose objects are versioned (user data and pushed code); the others hold transient or rebuildable data.</summary>
    public static readonly IReadOnlyList<string> VersionedBuckets = ["exports", "modules", "files"];

    public static IReadOnlyList<PlannedResource> For(DeploymentSpec spec) => spec.Target switch
    {
        DeploymentTarget.Local => [.. Local(spec), .. DeploymentEnv(spec)],
        DeploymentTarget.AwsEc2 => [.. Shared(spec), .. Ec2(spec), .. PlannedOpsResources.For(spec), .. DeploymentEnv(spec)],
        DeploymentTarget.AwsEcs => [.. Shared(spec), .. PlannedEcsResources.For(spec), .. PlannedOpsResources.For(spec), .. DeploymentEnv(spec)],
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Target, "unknown target"),
    };

    private static IEnumerable<PlannedResource> Local(DeploymentSpec spec)
    {
        const string g = "local";
        var plan = LocalPlanner.Plan(spec);
        yield return new(g, T.DockerNetwork, 1, $"Docker network {plan.NetworkName}");
        yield return new(g, T.DockerVolume, plan.Volumes.Count, $"named volumes {string.Join(", ", plan.Volumes.Select(v => v.Name))} (kept on destroy)");
        yield return new(g, T.DockerImage, plan.Containers.Count, string.Join(", ", plan.Containers.Select(c => c.Image)));
        var database = spec.Database.Engine == DatabaseEngine.Postgres
            ? $"postgres with database {spec.DatabaseName} (no published port)"
            : "SQLite on the backend's data volume";
        yield return new(g, T.DockerContainer, plan.Containers.Count,
            $"{string.Join(", ", plan.Containers.Select(c => c.Name))}; backend on 127.0.0.1:{spec.Local?.ApiPort}/{spec.Local?.SitePort}, " +
            $"dashboard on 127.0.0.1:{spec.Local?.DashboardPort}; {database}");
        yield return new(g, T.RandomBytes, 2, "instance secret (32 bytes) and the admin key's nonce, Pulumi secrets");
        yield return new(g, T.RandomInteger, 1, "the admin key's issue time, kept in state so the key stays stable");
        if (spec.Database.Engine == DatabaseEngine.Postgres)
        {
            yield return new(g, T.RandomPassword, 1, "the local Postgres password");
        }
    }

    private static string Ids(IReadOnlyList<string>? ids) => ids is null ? "(an output)" : string.Join(", ", ids);

    private static IEnumerable<PlannedResource> Shared(DeploymentSpec spec)
    {
        var zones = spec.Network.AvailabilityZoneCount;
        var network = NetworkPlanner.Plan(spec.Network.VpcCidr, PlanPlaceholders.AvailabilityZones(spec));
        const string n = "network";
        if (spec.Network.Existing is { } existing)
        {
            yield return new(n, T.SecurityGroup, 1, $"the backend's group (host or task) in the existing VPC {existing.VpcId ?? "(an output)"}: " +
                $"nothing of the network is created; public subnets {Ids(existing.PublicSubnetIds)}, private subnets {Ids(existing.PrivateSubnetIds)} (the database)");
        }
        else
        {
            yield return new(n, T.Vpc, 1, $"VPC {spec.Network.VpcCidr}");
            yield return new(n, T.Subnet, network.AllSubnets.Count, $"{network.PublicSubnets.Count} public + {network.PrivateSubnets.Count} private subnets over {zones} availability zones");
            yield return new(n, T.RouteTable, 2, "public and private route tables");
            yield return new(n, T.RouteTableAssociation, network.AllSubnets.Count, "one per subnet");
            yield return new(n, T.InternetGateway, 1, "internet gateway");
            yield return new(n, T.Route, 1, "public subnets → internet gateway");
            yield return new(n, T.VpcEndpoint, 1, "S3 gateway endpoint (free; S3 traffic stays off the NAT/internet path)");
            yield return new(n, T.SecurityGroup, 1, "the backend's group (host or task)");
        }

        yield return new(n, T.EgressRule, 1, "backend egress");

        var db = spec.Database;
        const string d = "database";
        var protection = spec.Protection.ProtectData ? "protected (deletion protection, final snapshot, retain)" : "not protected (dev)";
        yield return new(d, T.DbInstance, 1, $"RDS PostgreSQL {db.EngineVersion} {db.InstanceClass}, {db.AllocatedStorageGb}–{db.MaxAllocatedStorageGb} GB gp3, " +
            $"{(db.MultiAz ? "Multi-AZ" : "single-AZ")}, automated backups {db.BackupRetentionDays} d, encrypted, private, SSL forced, {protection}");
        if (spec.Recovery.Restore is { } restore)
        {
            yield return new(d, T.DbInstance, 1, $"restored instance ({restore.Describe()}): the backend moves to it; the instance above is kept until you retire it (docs/dr.md)");
        }

        yield return new(d, T.DbSubnetGroup, 1, "private subnets");
        yield return new(d, T.DbParameterGroup, 1, "rds.force_ssl");
        yield return new(d, T.SecurityGroup, 1, "database group");
        yield return new(d, T.IngressRule, 1, "5432 from the backend's group only");
        yield return new(d, T.RandomPassword, 1, "master password (Pulumi secret)");

        const string s = "storage";
        var buckets = BucketNames.Purposes.Count;
        yield return new(s, T.Bucket, buckets, $"{string.Join(", ", BucketNames.Purposes)}: private, encrypted, TLS-only" +
            (spec.Protection.RetainBucketsOnDelete ? ", retained on delete" : string.Empty));
        yield return new(s, T.BucketOwnershipControls, buckets, "bucket owner enforced (no ACLs)");
        yield return new(s, T.BucketPublicAccessBlock, buckets, "all public access blocked");
        yield return new(s, T.BucketEncryption, buckets, "SSE-S3 with bucket keys");
        yield return new(s, T.BucketPolicy, buckets, "deny non-TLS requests");
        yield return new(s, T.BucketVersioning, VersionedBuckets.Count, $"versioning on {string.Join(", ", VersionedBuckets)}");
        var exportLock = BackupPlan.For(spec).ExportLock;
        if (exportLock.Enabled)
        {
            yield return new(s, T.BucketObjectLock, 1, $"Object Lock on exports: {exportLock.S3Mode.ToLowerInvariant()} mode, {exportLock.Days} days; " +
                "the bucket policy denies deleting exports or changing their retention");
        }
        yield return new(s, T.BucketLifecycle, buckets, "expire exports and snapshot imports, old versions and aborted uploads");

        const string sec = "secrets";
        yield return new(sec, T.RandomBytes, 2, "instance secret (32 bytes) and the admin key's nonce");
        yield return new(sec, T.RandomInteger, 1, "the admin key's issue time (stable admin key)");
        yield return spec.Target == DeploymentTarget.AwsEcs
            ? new(sec, T.Parameter, 4, "instance secret, POSTGRES_URL, admin key and the database credentials (what the ECS task gets injected: no RDS address) as SSM SecureString with the stack's key; admin key output (secret)")
            : new(sec, T.Parameter, 3, "instance secret, POSTGRES_URL and admin key as SSM SecureString with the stack's key; admin key output (secret)");
        yield return new(sec, T.KmsKey, 1, "the stack's own KMS key (rotation on): only its runtime roles and its deployer decrypt, through SSM (aws/kms/stack-key-policy.json)");
        yield return new(sec, T.KmsAlias, 1, $"{KeyPolicies.Alias(spec)}");
    }

    private static IEnumerable<PlannedResource> Ec2(DeploymentSpec spec)
    {
        const string h = "host";
        var ingress = IngressPlan.For(spec);
        var ssh = spec.Network.SshAllowedCidrs.Count == 0 ? "SSH closed" : $"SSH from {string.Join(", ", spec.Network.SshAllowedCidrs)}";
        yield return new(h, T.Instance, 1, $"EC2 {spec.Compute.Ec2InstanceType} (Graviton, AL2023), {spec.Compute.RootVolumeGb} GB encrypted gp3, IMDSv2, {ssh}; " +
            $"Caddy (automatic HTTPS) in front of backend + dashboard at {spec.ImageRevision[..12]}…");
        yield return new(h, T.Eip, 1, "Elastic IP");
        yield return new(h, T.IngressRule, ingress.Count, string.Join(", ", ingress.Select(r => $"{r.Port} from {r.Cidr}")));
        yield return new(h, T.Role, 1, "instance role");
        yield return new(h, T.RolePolicy, 1, "backend access: the five buckets, the host's SSM parameters, decrypt with the stack's key through SSM, its log group, " +
            "writes only its host-status parameter (aws/iam/roles/host-backend-access.json)");
        yield return new(h, T.RolePolicy, 1, "Session Manager instead of SSH, without the account-wide parameter reads of AmazonSSMManagedInstanceCore (aws/iam/roles/host-session-manager.json)");
        yield return new(h, T.RolePolicy, 1, $"the CloudWatch agent's metric events to {Ops.AppMetrics.LogGroup(spec)} only (aws/iam/roles/host-metrics.json)");
        yield return new(h, T.InstanceProfile, 1, "instance profile");
        var toolingParts = Rendering.HostTooling.Parameters(spec).Count;
        yield return new(h, T.Parameter, 3 + toolingParts, "release parameter the host's convex-release applies; host tooling in " +
            $"{toolingParts} part(s) (convex-release, convex-host-setup, container firewall, units, security updates in the window " +
            $"{spec.Rollout.PatchWindow.Text} UTC) the host installs first; host-status parameter the host writes; the images it pre-pulls at boot");
        yield return new(h, T.SsmDocument, 1, "Run Command document pulumi up sends so the host applies a new release at once (it can only start convex-release)");
        yield return new(h, T.LogGroup, 2, $"{Naming.ResourceNames.HostLogGroup(spec)}: backend, dashboard, proxy and metrics-relay logs; " +
            $"{Ops.AppMetrics.LogGroup(spec)}: the CloudWatch agent's metric events ({Ops.AppMetrics.For(spec).Count} backend metrics to {Ops.AppMetrics.Namespace(spec)}); {spec.Monitoring.LogRetentionDays} days");
        yield return new(h, T.Command, 1, $"pulumi up waits up to {spec.Rollout.HostReportTimeoutMinutes} min for the host's report on the new release " +
            $"(rollback when /version is not answered within {spec.Rollout.BackendHealthTimeoutMinutes} min)");
        if (spec.Dns is not null)
        {
            yield return new(h, T.Record, 3, $"A records in zone {spec.Dns.HostedZoneId ?? "(an output)"} for {spec.Endpoints.ApiHostname}, {spec.Endpoints.SiteHostname}, {spec.Endpoints.DashboardHostname}");
        }
    }

    private static IEnumerable<PlannedResource> DeploymentEnv(DeploymentSpec spec)
    {
        if (!DeploymentEnvRules.IsNeeded(spec))
        {
            yield break;
        }

        const string g = "deployment-env";
        if (spec.Extensions.ConvexAuth)
        {
            yield return new(g, T.TlsPrivateKey, 1, "Convex Auth RSA signing key (JWT_PRIVATE_KEY, JWKS)");
        }

        yield return new(g, T.Command, 1, "applies the deployment's environment variables through the admin API (convex-infra deployment-env apply)");
    }
}
