using System.Collections.Immutable;
using ConvexInfra.Components.Aws;
using ConvexInfra.Components.Ecs;
using ConvexInfra.Components.Local;
using ConvexInfra.Components.Ops;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using Pulumi;

namespace ConvexInfra.Components;

/// <summary>
/// A self-hosted Convex deployment: the top component every target shares, and the component this package offers
/// to other Pulumi programs (C# directly, any language through the component provider). Its <c>[Output]</c>
/// properties are the stack output contract (<see cref="Core.Outputs.StackOutputNames"/>); the admin key is secret.
/// </summary>
public sealed class ConvexDeployment : ComponentResource
{
    [Output("apiUrl")] public Output<string> ApiUrl { get; private set; }
    [Output("siteUrl")] public Output<string> SiteUrl { get; private set; }
    [Output("dashboardUrl")] public Output<string> DashboardUrl { get; private set; }

    /// <summary>Admin key of the instance; secret.</summary>
    [Output("adminKey")] public Output<string> AdminKey { get; private set; }

    [Output("instanceName")] public Output<string> InstanceName { get; private set; }
    [Output("target")] public Output<string> Target { get; private set; }
    [Output("tier")] public Output<string> Tier { get; private set; }
    [Output("stack")] public Output<string> Stack { get; private set; }

    /// <summary>AWS region; empty for the local target.</summary>
    [Output("region")] public Output<string> Region { get; private set; }

    [Output("imageRevision")] public Output<string> ImageRevision { get; private set; }

    /// <summary>RDS address (or local Postgres container; empty with SQLite).</summary>
    [Output("databaseEndpoint")] public Output<string> DatabaseEndpoint { get; private set; }

    /// <summary>The five bucket names by role (exports, snapshotImports, modules, files, search); AWS targets only.</summary>
    [Output("buckets")] public Output<Dictionary<string, string>>? Buckets { get; private set; }

    /// <summary>SSM parameter names of the instance secret, POSTGRES_URL and admin key (names, not values); AWS only.</summary>
    [Output("secretParameters")] public Output<Dictionary<string, string>>? SecretParameters { get; private set; }

    /// <summary>Records to create by hand when no hosted zone is given (name, type, value); empty otherwise.</summary>
    [Output("dnsRecords")] public Output<List<Dictionary<string, string>>> DnsRecords { get; private set; }

    /// <summary>The validated spec the deployment was built from.</summary>
    internal DeploymentSpec Spec { get; }

    internal Output<BucketNames>? BucketNames { get; }
    internal SecretParameterNames? SecretParameterNames { get; }

    /// <summary>The export task as the schedule starts it (AWS targets; the <c>exportTask</c> stack output of <c>backup</c>).</summary>
    internal Output<ExportTaskOutput>? ExportTask { get; }
    internal Output<ImmutableArray<DnsRecord>> DnsRecordList { get; }

    /// <summary>Database settings as built (null when the target has no RDS); tests read the protect decision here.</summary>
    internal DataSafety? DataSafety { get; }

    /// <summary>The Convex Auth signing key; null unless <c>convexAuth</c> is true.</summary>
    internal ConvexAuthSigningKey? ConvexAuth { get; }

    /// <summary>The step that applies deployment variables; null when the stack asks for none.</summary>
    internal DeploymentEnvironment? DeploymentEnvironment { get; }

    /// <summary>
    /// Not a way to build the deployment: use <c>await ConvexDeployment.CreateAsync(name, args, options)</c>. Building
    /// it needs the AWS lookups (account, partition, zones, AMI, revision history) before anything registers, and a
    /// constructor can only wait for them by blocking a thread, which hangs when the thread pool is small. The
    /// <c>(name, args, options)</c> shape stays because Pulumi's component schema analysis
    /// (<c>ComponentAnalyzer.GenerateSchema</c>, which <see cref="ConvexInfra.Components"/>'s provider schema comes from)
    /// reads the args type from a public constructor of that shape. Called anyway (by reflection), it registers
    /// nothing and throws at once.
    /// </summary>
    [Obsolete(ConstructorMessage, error: true)]
    public ConvexDeployment(string name, ConvexDeploymentArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.ConvexDeployment, name, NotConstructible(name, args, options))
    {
        throw new NotSupportedException(ConstructorMessage);
    }

    internal const string ConstructorMessage =
        "ConvexDeployment has no blocking constructor: use 'await ConvexDeployment.CreateAsync(name, args, options)', which awaits " +
        "the AWS lookups instead of blocking a thread (docs/component.md).";

    /// <summary>The backup copy's replication role, when the stack has a copy (set while building the shared parts).</summary>
    private Output<string>? _replicationRoleArn;

    /// <summary>Throws before the base constructor can register the component.</summary>
    private static ComponentResourceOptions NotConstructible(string name, ConvexDeploymentArgs args, ComponentResourceOptions? options) =>
        throw new NotSupportedException($"ConvexDeployment '{name}' ({(args is null ? "no args" : "args given")}{(options is null ? "" : ", options given")}): {ConstructorMessage}");

    private ConvexDeployment(string name, PreparedDeployment prepared)
        : base(ComponentTokens.ConvexDeployment, name, prepared.Options)
    {
        var spec = prepared.Spec;
        var revision = prepared.Revision;
        Spec = spec;
        Resource backend;
        switch (spec.Target)
        {
            case DeploymentTarget.AwsEc2:
            case DeploymentTarget.AwsEcs:
                var aws = prepared.Aws ?? throw new InvalidOperationException("AWS targets need the account environment.");
                var parts = spec.Target == DeploymentTarget.AwsEc2
                    ? BuildEc2(name, spec, aws, revision, prepared.Inputs)
                    : BuildEcs(name, spec, aws, revision, prepared.Inputs);
                AdminKey = parts.AdminKey;
                DatabaseEndpoint = parts.DatabaseEndpoint;
                BucketNames = parts.Buckets;
                SecretParameterNames = parts.SecretParameters;
                ExportTask = parts.ExportTask;
                DnsRecordList = parts.DnsRecords;
                DataSafety = parts.DataSafety;
                backend = parts.Backend;
                break;

            case DeploymentTarget.Local:
                var local = new LocalConvex($"{name}-local", new LocalConvexArgs { Spec = spec, BucketKeys = prepared.Inputs.BucketKeys }, new ComponentResourceOptions { Parent = this });
                AdminKey = local.AdminKey;
                DatabaseEndpoint = local.DatabaseEndpoint;
                DnsRecordList = Output.Create(ImmutableArray<DnsRecord>.Empty);
                backend = local;
                break;

            default:
                throw new NotSupportedException($"convex-infra:target: unknown target {spec.Target}.");
        }

        if (prepared.Unknowns is { } unknowns)
        {
            Log.Warn(unknowns.Warning, this);
        }

        if (Components.DeploymentEnvironment.IsNeeded(spec) || prepared.Unknowns?.DeploymentEnv is not null)
        {
            ConvexAuth = spec.Extensions.ConvexAuth ? new ConvexAuthSigningKey(name, spec, this) : null;
            DeploymentEnvironment = new DeploymentEnvironment(name, new DeploymentEnvironmentArgs
            {
                Spec = spec,
                AdminKey = AdminKey,
                Secrets = prepared.Inputs.DeploymentEnvSecrets,
                UnknownPlain = prepared.Unknowns?.DeploymentEnv,
                AuthVariables = ConvexAuth?.Variables,
                Backend = [backend],
            }, this);
        }

        AdminKey = Output.CreateSecret(AdminKey);
        ApiUrl = Output.Create(spec.Endpoints.ApiOrigin);
        SiteUrl = Output.Create(spec.Endpoints.SiteOrigin);
        DashboardUrl = Output.Create(spec.Endpoints.DashboardOrigin);
        InstanceName = Output.Create(spec.InstanceName);
        Target = Output.Create(spec.Target.ConfigName());
        Tier = Output.Create(spec.Tier.ConfigName());
        Stack = Output.Create(spec.StackName);
        Region = Output.Create(spec.Region ?? "");
        ImageRevision = Output.Create(spec.ImageRevision);
        Buckets = BucketNames?.Apply(names => OutputValues.Buckets(names).ToDictionary(p => p.Key, p => (string)p.Value, StringComparer.Ordinal));
        SecretParameters = SecretParameterNames is { } parameters
            ? Output.Create(OutputValues.SecretParameters(parameters).ToDictionary(p => p.Key, p => (string)p.Value, StringComparer.Ordinal))
            : null;
        DnsRecords = DnsRecordList.Apply(records => records
            .Select(r => new Dictionary<string, string>(StringComparer.Ordinal) { ["name"] = r.Name, ["type"] = r.Type, ["value"] = r.Value })
            .ToList());

        var outputs = new Dictionary<string, object?>
        {
            ["adminKey"] = AdminKey,
            ["databaseEndpoint"] = DatabaseEndpoint,
            ["dnsRecords"] = DnsRecordList.Apply(records => OutputValues.DnsRecords(records)),
        };
        if (BucketNames is not null)
        {
            outputs["buckets"] = BucketNames.Apply(names => OutputValues.Buckets(names));
        }

        RegisterOutputs(outputs);
    }

    /// <summary>
    /// Builds the deployment: validates <paramref name="args"/> through Core's settings reader (every error at once,
    /// before anything is registered), looks up the AWS account facts through the deployment's AWS provider with
    /// Output-form invokes that are awaited, then registers the component and its children. Nothing blocks a thread,
    /// so it cannot starve a small thread pool; the repository's program and the component provider build through it.
    /// </summary>
    public static async Task<ConvexDeployment> CreateAsync(string name, ConvexDeploymentArgs args, ComponentResourceOptions? options = null) =>
        new(name, await ConvexDeploymentPreparation.PrepareAsync(name, args, options).ConfigureAwait(false));

    private AwsParts BuildEc2(string name, DeploymentSpec spec, AwsEnvironment aws, RevisionDecision revision, DeferredInputs inputs)
    {
        var amiId = aws.HostAmiId ?? throw new ArgumentException("The aws-ec2 target needs the host AMI (AwsEnvironment.HostAmiId).", nameof(aws));
        var (network, storage, database, secrets, runtime) = BuildShared(name, spec, aws, inputs);
        try
        {
            return BuildEc2Parts(name, spec, aws, revision, inputs, amiId, network, storage, database, secrets, runtime);
        }
        catch (Exception e)
        {
            secrets.Abandon(e);
            throw;
        }
    }

    private AwsParts BuildEc2Parts(
        string name, DeploymentSpec spec, AwsEnvironment aws, RevisionDecision revision, DeferredInputs inputs, string amiId,
        Network network, Storage storage, Database database, Secrets secrets, Output<AwsRuntimeValues> runtime)
    {
        var child = new ComponentResourceOptions { Parent = this };
        var backups = NewBackups(name, spec, aws, network, storage, secrets, revision);

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
            KeyArn = secrets.KeyArn,
            ReleaseJson = releaseJson,
            HostedZoneId = DeferredChecks.HostedZoneId(name, inputs.HostedZoneId),
        }, child);
        AllowKeyUse(secrets, storage, backups, [host.RoleArn, backups.ExecutionRoleArn]);

        _ = new Monitoring($"{name}-monitoring", new MonitoringArgs
        {
            Spec = spec,
            Account = aws.Account,
            Ec2InstanceId = host.InstanceId,
            DatabaseIdentifier = database.Identifier,
            ApiHealthCheck = true,
            EcsClusterArn = backups.ClusterArn,
            AlarmTopicArn = DeferredChecks.AlarmTopicArn(name, spec, inputs.AlarmTopicArn),
        }, child);

        return new AwsParts(
            secrets.AdminKey,
            database.Address,
            storage.BucketNames,
            secrets.ParameterNames,
            host.ManualDnsRecords,
            database.Safety,
            host,
            backups.RunTaskTarget);
    }

    private AwsParts BuildEcs(string name, DeploymentSpec spec, AwsEnvironment aws, RevisionDecision revision, DeferredInputs inputs)
    {
        // The ECS task takes no RDS-derived runtime values (BuildEcsParts makes its own).
        var (network, storage, database, secrets, _) = BuildShared(name, spec, aws, inputs);
        try
        {
            return BuildEcsParts(name, spec, aws, revision, inputs, network, storage, database, secrets);
        }
        catch (Exception e)
        {
            secrets.Abandon(e);
            throw;
        }
    }

    private AwsParts BuildEcsParts(
        string name, DeploymentSpec spec, AwsEnvironment aws, RevisionDecision revision, DeferredInputs inputs,
        Network network, Storage storage, Database database, Secrets secrets)
    {
        var backups = NewBackups(name, spec, aws, network, storage, secrets, revision);

        // The task needs no RDS output: its entrypoint waits for the address (the db-host parameter), so Fargate
        // provisioning and the image pull overlap RDS creation. Only the buckets and the fixed port go in.
        var region = aws.Account.Region;
        var taskRuntime = storage.BucketNames.Apply(buckets =>
            new AwsRuntimeValues(region, buckets, DatabaseHost: "", Database.PostgresPort, Database.MasterUsername, secrets.ParameterNames));
        // A new revision reaches the task definition only after the pre-upgrade export succeeded.
        var gatedRuntime = Output.Tuple(taskRuntime, backups.PreUpgradeGate).Apply(t => t.Item1);
        var service = new EcsService($"{name}-ecs", new EcsServiceArgs
        {
            Spec = spec,
            Account = aws.Account,
            Network = network,
            Runtime = gatedRuntime,
            HostedZoneId = DeferredChecks.HostedZoneId(name, inputs.HostedZoneId),
            KeyArn = secrets.KeyArn,
            SecretVersions = secrets.ParameterVersions,
            DatabaseHost = database.Address,
        }, new ComponentResourceOptions { Parent = this });
        AllowKeyUse(secrets, storage, backups, [service.ExecutionRoleArn, backups.ExecutionRoleArn]);
        _ = new Monitoring($"{name}-monitoring", new MonitoringArgs
        {
            Spec = spec,
            Account = aws.Account,
            DatabaseIdentifier = database.Identifier,
            ApiHealthCheck = true,
            EcsClusterName = service.ClusterName,
            EcsServiceName = service.ServiceName,
            TargetGroupArnSuffix = service.ApiTargetGroupArnSuffix,
            LoadBalancerArnSuffix = service.LoadBalancerArnSuffix,
            EcsClusterArn = service.ClusterArn,
            AlarmTopicArn = DeferredChecks.AlarmTopicArn(name, spec, inputs.AlarmTopicArn),
        }, new ComponentResourceOptions { Parent = this });

        return new AwsParts(
            secrets.AdminKey,
            database.Address,
            storage.BucketNames,
            secrets.ParameterNames,
            service.DnsRecords,
            database.Safety,
            service,
            backups.RunTaskTarget);
    }

    /// <summary>What both AWS targets share: network, buckets, database, secrets and the runtime values they yield.</summary>
    private (Network Network, Storage Storage, Database Database, Secrets Secrets, Output<AwsRuntimeValues> Runtime) BuildShared(
        string name, DeploymentSpec spec, AwsEnvironment aws, DeferredInputs inputs)
    {
        var child = new ComponentResourceOptions { Parent = this };

        // Network, buckets, secrets and the host come up in parallel; only POSTGRES_URL and the release wait for RDS.
        var network = new Network($"{name}-network", new NetworkArgs
        {
            Spec = spec,
            AvailabilityZones = aws.AvailabilityZones,
            Existing = DeferredChecks.Network(name, spec, inputs, this),
        }, child);
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
            Account = aws.Account,
            CallerArn = aws.CallerArn,
            DatabaseHost = database.Address,
            DatabasePort = database.Port,
            DatabaseUser = Database.MasterUsername,
            DatabasePassword = database.Password,
        }, child);

        if (BackupCopyPlan.For(spec) is { } copy)
        {
            _replicationRoleArn = new BackupCopy($"{name}-backup-copy", new BackupCopyArgs
            {
                Spec = spec,
                Plan = copy,
                Account = aws.Account,
                ExportsBucket = storage.ExportsBucket,
                ExportsVersioning = storage.ExportsVersioning,
                DatabaseArn = database.Arn,
                StackKeyArn = secrets.KeyArn,
            }, child).ReplicationRoleArn;
        }

        var region = aws.Account.Region;
        var runtime = Output.Tuple(storage.BucketNames, database.Address, database.Port).Apply(t =>
            new AwsRuntimeValues(region, t.Item1, t.Item2, t.Item3, Database.MasterUsername, secrets.ParameterNames));
        return (network, storage, database, secrets, runtime);
    }

    /// <summary>
    /// The stack key's users, named once they exist: the roles that read parameters through SSM, and through S3 the export
    /// task's role (writes the stored deployment variables) and the backup copy's replication role (reads them), if any.
    /// </summary>
    private void AllowKeyUse(Secrets secrets, Storage storage, Backups backups, IReadOnlyList<Output<string>> ssmReaders) =>
        secrets.AllowDecrypt(ssmReaders, storage.ExportsBucket.BucketName, backups.TaskRoleArn, _replicationRoleArn);

    /// <summary>Scheduled logical exports, the pre-upgrade export and the revision history, the same on both AWS targets.</summary>
    private Backups NewBackups(string name, DeploymentSpec spec, AwsEnvironment aws, Network network, Storage storage, Secrets secrets, RevisionDecision revision) =>
        new($"{name}-backups", new BackupsArgs
        {
            Spec = spec,
            Account = aws.Account,
            VpcId = network.VpcId,
            SubnetIds = network.PublicSubnetIds,
            AssignPublicIp = true,
            KeyArn = secrets.KeyArn,
            ExportsBucket = storage.ExportsBucket.BucketName,
            AdminKeyParameter = secrets.AdminKeyParameter,
            Revision = revision,
        }, new ComponentResourceOptions { Parent = this });

    /// <summary>What an AWS target hands back for the output contract.</summary>
    private sealed record AwsParts(
        Output<string> AdminKey,
        Output<string> DatabaseEndpoint,
        Output<BucketNames> Buckets,
        SecretParameterNames SecretParameters,
        Output<ImmutableArray<DnsRecord>> DnsRecords,
        DataSafety DataSafety,
        Resource Backend,
        Output<ExportTaskOutput> ExportTask);
}
