using ConvexInfra.Core.Aws.Iam;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Ops;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// The restore drill's role for the dev stack (docs/cicd/permissions-drill.json, trusted by drill.yml's drill-dev
/// environment through github-oidc-trust-deploy.json), in the one-account model of <see cref="CiAccountModel"/>: it
/// reads what <c>restore --drill</c> reads of dev (state and its key, the exports bucket with the stored variables, the
/// admin key parameter, the stack key through SSM and S3 only, the stack's RDS instance and the replicated automated
/// backups in the copy region) and nothing of staging, prod or ecs, and deletes or writes nothing anywhere.
/// </summary>
public sealed class DrillRolePolicyTests
{
    private const string Stack = "dev";
    private static readonly string Arn = $"arn:aws:iam::{CiAccountModel.Account}:role/convex-infra-github-drill-{Stack}";
    private readonly CiAccountModel account = new();
    private readonly CiRole drill;

    public DrillRolePolicyTests()
    {
        drill = new CiRole(Arn, CiAccountModel.Policy("github-oidc-trust-deploy.json", Stack, $"drill-{Stack}"), CiAccountModel.Policy("permissions-drill.json", Stack));
        account.Roles[Arn] = drill;
    }

    private static string ExportsBucket(string stack) => $"arn:aws:s3:::{stack}-acme-{stack}-exports-20261201abcdef";

    private static string Parameter(string stack, string name) => $"arn:aws:ssm:{CiAccountModel.Region}:{CiAccountModel.Account}:parameter/convex-infra/{stack}/{name}";

    /// <summary>The stack's RDS instance as the program names it (Pulumi's random suffix after the resource name), and the restored one of a database restore.</summary>
    private string[] Instances(string stack) =>
    [
        $"arn:aws:rds:{CiAccountModel.Region}:{CiAccountModel.Account}:db:{ResourceNames.RootName(account.Stacks[stack])}-database-postgres-1a2b3c4",
        $"arn:aws:rds:{CiAccountModel.Region}:{CiAccountModel.Account}:db:{ResourceNames.RootName(account.Stacks[stack])}-database-postgres-restored-5d6e7f8",
    ];

    private static string CopyRegion => BackupCopyPlan.DefaultRegionFor(CiAccountModel.Region)!;

    /// <summary>A replicated automated backup: RDS names it (ab-…), in the copy region.</summary>
    private static string ReplicatedBackup => $"arn:aws:rds:{CopyRegion}:{CiAccountModel.Account}:auto-backup:ab-a1b2c3d4e5f6g7h8";

    private static Dictionary<string, string> In(string region) => new() { ["aws:RequestedRegion"] = region };

    private static string StackKey(string stack) => $"arn:aws:kms:{CiAccountModel.Region}:{CiAccountModel.Account}:key/stack-key-of-{stack}";

    private IamDecision StackKeyDecision(string action, string stack, string viaService) =>
        drill.Permissions.Evaluate(new IamRequest(action, StackKey(stack), new Dictionary<string, string>
        {
            ["aws:RequestedRegion"] = CiAccountModel.Region,
            ["aws:ResourceTag/convex-infra:stack"] = stack,
            ["kms:ViaService"] = $"{viaService}.{CiAccountModel.Region}.amazonaws.com",
        }, Arn));

    [Fact]
    public void Only_jobs_of_the_drill_dev_environment_assume_it()
    {
        Assert.Equal([Arn], account.AssumableBy($"repo:{CiAccountModel.Repository}:environment:drill-{Stack}").Select(r => r.Arn));
        Assert.DoesNotContain(drill, account.AssumableBy($"repo:{CiAccountModel.Repository}:pull_request"));
        Assert.DoesNotContain(drill, account.AssumableBy($"repo:{CiAccountModel.Repository}:environment:{Stack}"));
        Assert.DoesNotContain(drill, account.AssumableBy($"repo:{CiAccountModel.Repository}:ref:refs/heads/main"));
    }

    [Fact]
    public void It_reads_what_the_drill_reads_of_dev()
    {
        Assert.True(account.Can(drill, "s3:ListBucket", $"arn:aws:s3:::{CiAccountModel.StateBucket}", new Dictionary<string, string> { ["s3:prefix"] = ".pulumi/stacks/" }));
        Assert.All(CiAccountModel.StateObjects(Stack), o => Assert.True(account.Can(drill, "s3:GetObject", o), o));
        // Both layers: its identity policy and the state key's own policy (the stack's outputs hold the admin key, a secret).
        Assert.True(account.Can(drill, "kms:Decrypt", CiAccountModel.StateKeyArn(Stack)));
        Assert.True(account.Can(drill, "s3:ListBucket", ExportsBucket(Stack)));
        Assert.True(account.Can(drill, "s3:GetObject", $"{ExportsBucket(Stack)}/convex-dev-acme-dev/export-20261201T031700Z.zip"));
        Assert.True(account.Can(drill, "s3:GetObject", $"{ExportsBucket(Stack)}/deployment-env/20261201T031700Z.json"));
        Assert.True(account.Can(drill, "ssm:GetParameter", Parameter(Stack, "admin-key")));
        Assert.Equal(IamDecision.Allowed, StackKeyDecision("kms:Decrypt", Stack, "ssm"));
        Assert.Equal(IamDecision.Allowed, StackKeyDecision("kms:Decrypt", Stack, "s3"));
        // The database backup copy check: the instance in the stack's region, its replicated backups in the copy region.
        Assert.All(Instances(Stack), db => Assert.True(account.Can(drill, "rds:DescribeDBInstances", db), db));
        Assert.True(account.Can(drill, "rds:DescribeDBInstanceAutomatedBackups", ReplicatedBackup, In(CopyRegion)));
    }

    [Fact]
    public void The_aws_calls_of_the_database_copy_check_are_allowed_on_what_they_name()
    {
        // The calls exactly as the drill makes them (Core's AwsCliCalls), authorized on the resource each names.
        var identifier = $"{ResourceNames.RootName(account.Stacks[Stack])}-database-postgres-1a2b3c4";
        var describe = AwsCliCalls.DescribeDbInstance(CiAccountModel.Region, identifier);
        var copy = AwsCliCalls.DescribeAutomatedBackup(CopyRegion, ReplicatedBackup);
        Assert.Equal(["rds", "describe-db-instances"], describe.Take(2));
        Assert.Equal(["rds", "describe-db-instance-automated-backups"], copy.Take(2));

        var region = Value(describe, "--region");
        Assert.True(account.Can(drill, "rds:DescribeDBInstances", $"arn:aws:rds:{region}:{CiAccountModel.Account}:db:{Value(describe, "--db-instance-identifier")}", In(region)));
        Assert.True(account.Can(drill, "rds:DescribeDBInstanceAutomatedBackups", Value(copy, "--db-instance-automated-backups-arn"), In(Value(copy, "--region"))));
        Assert.Equal(Value(copy, "--region"), RdsNames.RegionOf(Value(copy, "--db-instance-automated-backups-arn")));
    }

    private static string Value(IReadOnlyList<string> args, string option) => args[args.ToList().IndexOf(option) + 1];

    [Fact]
    public void Its_rds_reads_are_the_two_describe_calls_of_the_check_and_nothing_else()
    {
        // Only the copy region's replicated backups, not the automated backups of the stack's region, nor every instance.
        Assert.False(account.Can(drill, "rds:DescribeDBInstanceAutomatedBackups", $"arn:aws:rds:{CiAccountModel.Region}:{CiAccountModel.Account}:auto-backup:ab-a1b2c3d4e5f6g7h8"));
        Assert.False(account.Can(drill, "rds:DescribeDBInstances", $"arn:aws:rds:{CiAccountModel.Region}:{CiAccountModel.Account}:db:*"));
        Assert.False(account.Can(drill, "rds:DescribeDBInstances", $"arn:aws:rds:{CopyRegion}:{CiAccountModel.Account}:db:{ResourceNames.RootName(account.Stacks[Stack])}-database-postgres-1a2b3c4"));
        foreach (var action in new[] { "rds:StopDBInstanceAutomatedBackupsReplication", "rds:StartDBInstanceAutomatedBackupsReplication", "rds:DeleteDBInstanceAutomatedBackup", "rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:DescribeDBSnapshots" })
        {
            Assert.All(Instances(Stack).Append(ReplicatedBackup), r => Assert.False(account.Can(drill, action, r, In(RdsNames.RegionOf(r)!)), $"{action} on {r}"));
        }
    }

    [Fact]
    public void It_reads_no_other_secret_of_dev_and_uses_the_stack_key_only_through_ssm_and_s3()
    {
        Assert.False(account.Can(drill, "ssm:GetParameter", Parameter(Stack, "instance-secret")));
        Assert.False(account.Can(drill, "ssm:GetParameter", Parameter(Stack, "postgres-url")));
        Assert.False(account.Can(drill, "ssm:GetParameters", Parameter(Stack, "admin-key")));
        Assert.NotEqual(IamDecision.Allowed, StackKeyDecision("kms:Decrypt", Stack, "secretsmanager"));
        Assert.NotEqual(IamDecision.Allowed, drill.Permissions.Evaluate(new IamRequest("kms:Decrypt", StackKey(Stack),
            new Dictionary<string, string> { ["aws:ResourceTag/convex-infra:stack"] = Stack }, Arn)));
        Assert.NotEqual(IamDecision.Allowed, StackKeyDecision("kms:Encrypt", Stack, "s3"));
        Assert.NotEqual(IamDecision.Allowed, StackKeyDecision("kms:GenerateDataKey", Stack, "s3"));
    }

    [Fact]
    public void It_reaches_nothing_of_staging_prod_or_ecs()
    {
        var others = account.Stacks.Keys.Where(s => s != Stack).ToList();
        Assert.Equal(["ecs", "prod", "staging"], others.Order(StringComparer.Ordinal));
        foreach (var stack in others)
        {
            Assert.All(CiAccountModel.StateObjects(stack), o => Assert.False(account.Can(drill, "s3:GetObject", o), o));
            Assert.False(account.Can(drill, "kms:Decrypt", CiAccountModel.StateKeyArn(stack)), $"decrypts {stack}'s state");
            Assert.False(CiAccountModel.KeyAllows(account.KeyPolicies[stack], drill, "kms:Decrypt"), $"{stack}'s state key policy admits the dev drill role");
            Assert.False(account.Can(drill, "s3:ListBucket", ExportsBucket(stack)), $"lists {stack}'s exports");
            Assert.False(account.Can(drill, "s3:GetObject", $"{ExportsBucket(stack)}/deployment-env/20261201T031700Z.json"), $"reads {stack}'s variables");
            Assert.All(account.Parameters(stack), p => Assert.False(account.Can(drill, "ssm:GetParameter", p), p));
            Assert.NotEqual(IamDecision.Allowed, StackKeyDecision("kms:Decrypt", stack, "ssm"));
            Assert.NotEqual(IamDecision.Allowed, StackKeyDecision("kms:Decrypt", stack, "s3"));
            Assert.All(Instances(stack), db => Assert.False(account.Can(drill, "rds:DescribeDBInstances", db), $"describes {db}"));
        }
    }

    [Fact]
    public void It_deletes_and_writes_nothing()
    {
        var exports = $"{ExportsBucket(Stack)}/convex-dev-acme-dev/export-20261201T031700Z.zip";
        foreach (var (action, resource) in new[]
        {
            ("s3:DeleteObject", exports), ("s3:DeleteObjectVersion", exports), ("s3:PutObject", exports), ("s3:PutObjectRetention", exports),
            ("s3:BypassGovernanceRetention", exports), ("s3:PutLifecycleConfiguration", ExportsBucket(Stack)), ("s3:DeleteBucket", ExportsBucket(Stack)),
            ("s3:PutObject", CiAccountModel.StateObjects(Stack)[0]), ("s3:DeleteObject", CiAccountModel.StateObjects(Stack)[0]),
            ("ssm:PutParameter", Parameter(Stack, "admin-key")), ("ssm:DeleteParameter", Parameter(Stack, "admin-key")),
            ("kms:Encrypt", CiAccountModel.StateKeyArn(Stack)), ("kms:ScheduleKeyDeletion", CiAccountModel.StateKeyArn(Stack)),
        })
        {
            Assert.False(account.Can(drill, action, resource), $"{action} on {resource}");
        }

        // Every action it is granted only reads.
        Assert.All(drill.Permissions.Statements.Where(s => s.Effect == IamEffect.Allow).SelectMany(s => s.Actions),
            action => Assert.Contains(action, new[] { "s3:ListBucket", "s3:GetObject", "kms:Decrypt", "ssm:GetParameter", "rds:DescribeDBInstances", "rds:DescribeDBInstanceAutomatedBackups" }));
    }
}
