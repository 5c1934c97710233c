using System.Collections.Immutable;
using System.Globalization;
using ConvexInfra.Core.Spec;
using Pulumi;
using Ec2 = Pulumi.Aws.Ec2;
using Random = Pulumi.Random;
using Rds = Pulumi.Aws.Rds;
using Vpc = Pulumi.Aws.Vpc;

namespace ConvexInfra.Components.Aws;

public sealed class DatabaseArgs
{
    public required DeploymentSpec Spec { get; init; }
    public required Input<string> VpcId { get; init; }

    /// <summary>Private subnets (at least two zones, as RDS requires for a subnet group).</summary>
    public required Output<ImmutableArray<string>> SubnetIds { get; init; }

    /// <summary>Security groups allowed to connect on 5432: the EC2 host's or the ECS tasks'. Nothing else gets in.</summary>
    public required IReadOnlyList<Input<string>> AllowedSecurityGroupIds { get; init; }
}

/// <summary>
/// RDS PostgreSQL in private subnets: encrypted, SSL forced, storage autoscaling, backups and deletion protection
/// by tier. The initial database is the one the backend expects (instance name with '-' → '_'), so nothing has to
/// run <c>CREATE DATABASE</c> by hand. It owns its master password (URL-safe, a Pulumi secret).
/// </summary>
public sealed class Database : ComponentResource
{
    public const string MasterUsername = "convex";
    public const int PostgresPort = 5432;

    public Output<string> Address { get; }

    /// <summary>The RDS instance identifier (CloudWatch dimension DBInstanceIdentifier).</summary>
    public Output<string> Identifier { get; }

    /// <summary>ARN of the instance that serves (the restored one during a restore): the source of the backup replication.</summary>
    public Output<string> Arn { get; }
    public Output<int> Port { get; }
    public Output<string> Username { get; }

    /// <summary>Master password; secret.</summary>
    public Output<string> Password { get; }

    public Output<string> SecurityGroupId { get; }
    public DataSafety Safety { get; }

    public Database(string name, DatabaseArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.Database, name, options)
    {
        var spec = args.Spec;
        if (spec.Database.Engine != DatabaseEngine.Postgres)
        {
            throw new InvalidOperationException(
                $"convex-infra:database: AWS targets run PostgreSQL on RDS; got {spec.Database.Engine.ConfigName()}.");
        }

        Safety = DataSafety.For(spec);
        var child = new CustomResourceOptions { Parent = this };

        // Alphanumeric only: URL-safe in POSTGRES_URL and free of the characters RDS forbids ('/', '@', '"', ' ').
        var password = new Random.RandomPassword($"{name}-password", new Random.RandomPasswordArgs
        {
            Length = 40,
            Special = false,
        }, child);
        Password = Output.CreateSecret(password.Result);

        var securityGroup = new Ec2.SecurityGroup($"{name}-sg", new Ec2.SecurityGroupArgs
        {
            VpcId = args.VpcId,
            Description = $"PostgreSQL of {spec.StackName}/{spec.InstanceName}: backend only",
            Tags = AwsTags.For(spec, $"{name}-sg"),
        }, child);
        for (var i = 0; i < args.AllowedSecurityGroupIds.Count; i++)
        {
            _ = new Vpc.SecurityGroupIngressRule($"{name}-from-backend-{i}", new Vpc.SecurityGroupIngressRuleArgs
            {
                SecurityGroupId = securityGroup.Id,
                ReferencedSecurityGroupId = args.AllowedSecurityGroupIds[i],
                IpProtocol = "tcp",
                FromPort = PostgresPort,
                ToPort = PostgresPort,
                Description = "PostgreSQL from the Convex backend",
                Tags = AwsTags.For(spec, $"{name}-from-backend-{i}"),
            }, child);
        }

        var subnets = new Rds.SubnetGroup($"{name}-subnets", new Rds.SubnetGroupArgs
        {
            SubnetIds = args.SubnetIds,
            Description = $"Private subnets of {spec.StackName}",
            Tags = AwsTags.For(spec, $"{name}-subnets"),
        }, child);

        var parameters = new Rds.ParameterGroup($"{name}-params", new Rds.ParameterGroupArgs
        {
            Family = ParameterGroupFamily(spec.Database.EngineVersion),
            Description = "Convex: SSL required",
            Parameters =
            {
                new Rds.Inputs.ParameterGroupParameterArgs { Name = "rds.force_ssl", Value = "1", ApplyMethod = "immediate" },
            },
            Tags = AwsTags.For(spec, $"{name}-params"),
        }, child);

        var instanceArgs = new Rds.InstanceArgs
        {
            Engine = "postgres",
            EngineVersion = spec.Database.EngineVersion,
            InstanceClass = spec.Database.InstanceClass,
            AllocatedStorage = spec.Database.AllocatedStorageGb,
            StorageType = "gp3",
            StorageEncrypted = true,
            DbName = spec.DatabaseName,
            Username = MasterUsername,
            Password = Password,
            Port = PostgresPort,
            DbSubnetGroupName = subnets.Name,
            ParameterGroupName = parameters.Name,
            VpcSecurityGroupIds = { securityGroup.Id },
            PubliclyAccessible = false,
            MultiAz = spec.Database.MultiAz,
            BackupRetentionPeriod = Safety.BackupRetentionDays,
            CopyTagsToSnapshot = true,
            DeletionProtection = Safety.DeletionProtection,
            SkipFinalSnapshot = !Safety.FinalSnapshot,
            AutoMinorVersionUpgrade = true,
            AllowMajorVersionUpgrade = false,
            // Dev applies changes at once; staging and prod wait for the maintenance window.
            ApplyImmediately = spec.Tier == Tier.Dev,
            Tags = AwsTags.For(spec, $"{name}-postgres"),
        };
        // Storage autoscaling: RDS only accepts a ceiling above the allocated size (equal means "off").
        if (spec.Database.MaxAllocatedStorageGb > spec.Database.AllocatedStorageGb)
        {
            instanceArgs.MaxAllocatedStorage = spec.Database.MaxAllocatedStorageGb;
        }

        if (Safety.FinalSnapshot)
        {
            instanceArgs.FinalSnapshotIdentifier = FinalSnapshotName(spec);
        }

        var instance = new Rds.Instance($"{name}-postgres", instanceArgs, new CustomResourceOptions
        {
            Parent = this,
            Protect = Safety.Protect,
            CustomTimeouts = new CustomTimeouts { Create = TimeSpan.FromMinutes(60), Update = TimeSpan.FromMinutes(80) },

            // Create-only inputs, never set here: returning to normal after a restore renames the restored instance to
            // this name in the state (docs/dr.md), and these must not then read as a change that replaces it.
            IgnoreChanges = { "restoreToPointInTime", "snapshotIdentifier" },
        });

        // A restore (dbRestoreTime / dbRestoreSnapshot) adds the restored instance and moves everything that uses the
        // database to it; the stack's instance above stays registered with unchanged inputs, so it is neither replaced
        // nor deleted while the restored one comes up.
        var serving = spec.Recovery.Restore is { } restore
            ? DatabaseRestoreInstance.Create(this, name, spec, restore, instanceArgs, instance)
            : instance;

        Address = serving.Address;
        Identifier = serving.Identifier;
        Arn = serving.Arn;
        Port = serving.Port;
        Username = Output.Create(MasterUsername);
        SecurityGroupId = securityGroup.Id;

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["address"] = Address,
            ["port"] = Port,
            ["securityGroupId"] = SecurityGroupId,
        });
    }

    /// <summary>RDS parameter group family for an engine version: "17" and "17.4" both give "postgres17".</summary>
    internal static string ParameterGroupFamily(string engineVersion)
    {
        var major = engineVersion.Split('.')[0];
        if (!int.TryParse(major, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new InvalidOperationException(
                $"convex-infra:dbEngineVersion: got '{engineVersion}'; expected a PostgreSQL major version such as 17 or 17.4.");
        }

        return $"postgres{major}";
    }

    /// <summary>
    /// A fixed name starting with a letter, as RDS requires: a name that changed per run would show a diff on every
    /// <c>pulumi up</c>.
    /// </summary>
    internal static string FinalSnapshotName(DeploymentSpec spec) =>
        $"final-{BucketNaming.Prefix(spec, "snapshot").TrimEnd('-')}";
}
