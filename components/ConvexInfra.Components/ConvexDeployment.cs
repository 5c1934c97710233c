using System.Collections.Immutable;
using ConvexInfra.Components.Aws;
using ConvexInfra.Components.Ecs;
using ConvexInfra.Components.Local;
using ConvexInfra.Components.Ops;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using Pulumi;

namespace ConvexInfra.Components;

public sealed class ConvexDeploymentArgs
{
    public required DeploymentSpec Spec { get; init; }

    /// <summary>Looked up before any resource is registered; required for AWS targets, null for local.</summary>
    public AwsEnvironment? Aws { get; init; }

    /// <summary><c>convex-infra:deploymentEnvSecrets</c> as a secret output; null when the stack sets none.</summary>
    public Output<ImmutableDictionary<string, string>>? DeploymentEnvSecrets { get; init; }

    /// <summary>How the deployment-env step starts the CLI; <c>convex-infra</c> on PATH by default.</summary>
    public string Cli { get; init; } = Core.DeploymentEnv.ApplyCommandLine.DefaultCli;

    /// <summary>Core's revision decision from the stored history (AWS targets); null counts as a first deploy.</summary>
    public RevisionDecision? Revision { get; init; }
}

/// <summary>
/// A self-hosted Convex deployment: the top component every target shares. Exposes what the output contract
/// (<see cref="Core.Outputs.StackOutputNames"/>) needs; secret values are secret outputs.
/// </summary>
public sealed class ConvexDeployment : ComponentResource
{
    public Output<string> AdminKey { get; }
    public Output<string> DatabaseEndpoint { get; }
    public Output<BucketNames>? Buckets { get; }
    public SecretParameterNames? SecretParameters { get; }
    public Output<ImmutableArray<DnsRecord>> DnsRecords { get; }

    /// <summary>Database settings as built (null when the target has no RDS); tests read the protect decision here.</summary>
    public DataSafety? DataSafety { get; }

    /// <summary>The Convex Auth signing key; null unless <c>convexAuth</c> is true.</summary>
    internal ConvexAuthSigningKey? ConvexAuth { get; }

    /// <summary>The step that applies deployment variables; null when the stack asks for none.</summary>
    internal DeploymentEnvironment? DeploymentEnvironment { get; }

    public ConvexDeployment(string name, ConvexDeploymentArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.ConvexDeployment, name, options)
    {
        var spec = args.Spec;
        var revision = args.Revision ?? RevisionHistory.Decide([], spec.ImageRevision, spec.Extensions.AllowRevisionDowngrade);
        Resource backend;
        switch (spec.Target)
        {
            case DeploymentTarget.AwsEc2:
            case DeploymentTarget.AwsEcs:
                var aws = args.Aws ?? throw new ArgumentException("AWS targets need the account environment (ConvexDeploymentArgs.Aws).", nameof(args));
                var parts = spec.Target == DeploymentTarget.AwsEc2 ? BuildEc2(name, spec, aws, revision) : BuildEcs(name, spec, aws, revision);
                AdminKey = parts.AdminKey;
                DatabaseEndpoint = parts.DatabaseEndpoint;
                Buckets = parts.Buckets;
                SecretParameters = parts.SecretParameters;
                DnsRecords = parts.DnsRecords;
                DataSafety = parts.DataSafety;
                backend = parts.Backend;
                break;

            case DeploymentTarget.Local:
                var local = new LocalConvex($"{name}-local", new LocalConvexArgs { Spec = spec }, new ComponentResourceOptions { Parent = this });
                AdminKey = local.AdminKey;
                DatabaseEndpoint = local.DatabaseEndpoint;
                DnsRecords = Output.Create(ImmutableArray<DnsRecord>.Empty);
                backend = local;
                break;

            default:
                throw new NotSupportedException($"convex-infra:target: unknown target {spec.Target}.");
        }

        if (Components.DeploymentEnvironment.IsNeeded(spec))
        {
            ConvexAuth = spec.Extensions.ConvexAuth ? new ConvexAuthSigningKey(name, spec, this) : null;
            DeploymentEnvironment = new DeploymentEnvironment(name, new DeploymentEnvironmentArgs
            {
                Spec = spec,
                AdminKey = AdminKey,
                Secrets = args.DeploymentEnvSecrets,
                AuthVariables = ConvexAuth?.Variables,
                Backend = [backend],
                Cli = args.Cli,
            }, this);
        }

        var outputs = new Dictionary<string, object?>
        {
            ["adminKey"] = AdminKey,
            ["databaseEndpoint"] = DatabaseEndpoint,
            ["dnsRecords"] = DnsRecords.Apply(records => OutputValues.DnsRecords(records)),
        };
        if (Buckets is not null)
        {
            outputs["buckets"] = Buckets.Apply(names => OutputValues.Buckets(names));
        }

        RegisterOutputs(outputs);
    }

    private AwsParts BuildEc2(string name, DeploymentSpec spec, AwsEnvironment aws, RevisionDecision revision)
    {
        var amiId = aws.HostAmiId ?? throw new ArgumentException("The aws-ec2 target needs the host AMI (AwsEnvironment.HostAmiId).", nameof(aws));
        var (network, storage, database, secrets, runtime) = BuildShared(name, spec, aws);
        var child = new ComponentResourceOptions { Parent = this };
        var backups = NewBackups(name, spec, aws, network, secrets, revision);

        // A new revision reaches the host only after the pre-upgrade export succeeded; a new secret value only once it
        // is written (the release names each parameter's version, so it also changes with it).
        var releaseJson = Output.Tuple(runtime, backups.PreUpgradeGate, secrets.ParameterVersions)
            .Apply(t => HostRelease.Render(spec, t.Item1, t.Item3).Json);

        var host = new Ec2Host($"{name}-host", new Ec2HostArgs
        {
            Spec = spec,
            Account = aws.Account,
            AmiId = amiId,
            SubnetId = network.PublicSubnetIds.Apply(ids => ids[0]),
            SecurityGroupId = network.BackendSecurityGroupId,
            Buckets = storage.BucketNames,
            ReleaseJson = releaseJson,
        }, child);

        _ = new Monitoring($"{name}-monitoring", new MonitoringArgs
        {
            Spec = spec,
            Account = aws.Account,
            Ec2InstanceId = host.InstanceId,
            DatabaseIdentifier = database.Identifier,
            ApiHealthCheck = true,
            EcsClusterArn = backups.ClusterArn,
        }, child);

        return new AwsParts(
            secrets.AdminKey,
            database.Address,
            storage.BucketNames,
            secrets.ParameterNames,
            host.ManualDnsRecords,
            database.Safety,
            host);
    }

    private AwsParts BuildEcs(string name, DeploymentSpec spec, AwsEnvironment aws, RevisionDecision revision)
    {
        var (network, storage, database, secrets, runtime) = BuildShared(name, spec, aws);
        var backups = NewBackups(name, spec, aws, network, secrets, revision);

        // A new revision reaches the task definition only after the pre-upgrade export succeeded.
        var gatedRuntime = Output.Tuple(runtime, backups.PreUpgradeGate).Apply(t => t.Item1);
        var service = new EcsService($"{name}-ecs", new EcsServiceArgs
        {
            Spec = spec,
            Account = aws.Account,
            Network = network,
            Runtime = gatedRuntime,
            SecretVersions = secrets.ParameterVersions,
        }, new ComponentResourceOptions { Parent = this });
        _ = new Monitoring($"{name}-monitoring", new MonitoringArgs
        {
            Spec = spec,
            Account = aws.Account,
            DatabaseIdentifier = database.Identifier,
            ApiHealthCheck = true,
            EcsClusterName = service.ClusterName,
            EcsServiceName = service.ServiceName,
            EcsClusterArn = service.ClusterArn,
        }, new ComponentResourceOptions { Parent = this });

        return new AwsParts(
            secrets.AdminKey,
            database.Address,
            storage.BucketNames,
            secrets.ParameterNames,
            service.DnsRecords,
            database.Safety,
            service);
    }

    /// <summary>What both AWS targets share: network, buckets, database, secrets and the runtime values they yield.</summary>
    private (Network Network, Storage Storage, Database Database, Secrets Secrets, Output<AwsRuntimeValues> Runtime) BuildShared(
        string name, DeploymentSpec spec, AwsEnvironment aws)
    {
        var child = new ComponentResourceOptions { Parent = this };

        // Network, buckets, secrets and the host come up in parallel; only POSTGRES_URL and the release wait for RDS.
        var network = new Network($"{name}-network", new NetworkArgs { Spec = spec, AvailabilityZones = aws.AvailabilityZones }, child);
        var storage = new Storage($"{name}-storage", new StorageArgs { Spec = spec, Partition = aws.Account.Partition }, child);
        var database = new Database($"{name}-database", new DatabaseArgs
        {
            Spec = spec,
            VpcId = network.VpcId,
            SubnetIds = network.PrivateSubnetIds,
            AllowedSecurityGroupIds = [network.BackendSecurityGroupId],
        }, child);
        var secrets = new Secrets($"{name}-secrets", new SecretsArgs
        {
            Spec = spec,
            DatabaseHost = database.Address,
            DatabasePort = database.Port,
            DatabaseUser = Database.MasterUsername,
            DatabasePassword = database.Password,
        }, child);

        var region = aws.Account.Region;
        var runtime = Output.Tuple(storage.BucketNames, database.Address, database.Port).Apply(t =>
            new AwsRuntimeValues(region, t.Item1, t.Item2, t.Item3, Database.MasterUsername, secrets.ParameterNames));
        return (network, storage, database, secrets, runtime);
    }

    /// <summary>Scheduled logical exports, the pre-upgrade export and the revision history, the same on both AWS targets.</summary>
    private Backups NewBackups(string name, DeploymentSpec spec, AwsEnvironment aws, Network network, Secrets secrets, RevisionDecision revision) =>
        new($"{name}-backups", new BackupsArgs
        {
            Spec = spec,
            Account = aws.Account,
            VpcId = network.VpcId,
            SubnetIds = network.PublicSubnetIds,
            AssignPublicIp = true,
            Revision = revision,
        }, new ComponentResourceOptions { Parent = this, DependsOn = { secrets } });

    /// <summary>What an AWS target hands back for the output contract.</summary>
    private sealed record AwsParts(
        Output<string> AdminKey,
        Output<string> DatabaseEndpoint,
        Output<BucketNames> Buckets,
        SecretParameterNames SecretParameters,
        Output<ImmutableArray<DnsRecord>> DnsRecords,
        DataSafety DataSafety,
        Resource Backend);
}
