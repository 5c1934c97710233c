using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Aws.Iam;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Ops;

namespace ConvexInfra.Components.Tests.Iam;

/// <summary>
/// The stored deployment variables (deployment-env/ in the exports bucket, SSE-KMS with the stack key), judged on the
/// rendered policies with the evaluator of <see cref="StackIsolationTests"/>: a put needs the identity's
/// s3:PutObject and the key's kms:GenerateDataKey through S3 for that object; a read s3:GetObject and kms:Decrypt.
/// Every AWS stack file in one account, as there.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class DeploymentEnvAccessTests(StackRuns runs) : IClassFixture<StackRuns>
{
    private const string Role = "aws:iam/role:Role";

    private static readonly StackRole Control = new("none", $"arn:aws:iam::{MockValues.AccountId}:role/some-app-role", new Dictionary<string, string>(),
        [("inline everything", IamPolicy.Parse("""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"}]}"""))]);

    private static List<string> Stacks() =>
        StackFiles.WithTarget("aws-ec2").Concat(StackFiles.WithTarget("aws-ecs")).Order(StringComparer.Ordinal).ToList();

    /// <summary>One stack's exports bucket, stack key (ARN and policy), region and roles as AWS sees them.</summary>
    private sealed record Target(string Stack, string Region, string Bucket, string KeyArn, IamPolicy KeyPolicy, StackAccessModel Model, StackRun Run)
    {
        public string Stored => $"arn:aws:s3:::{Bucket}/{DeploymentEnvBackup.Key(new DateTimeOffset(2026, 12, 6, 3, 17, 0, TimeSpan.Zero))}";

        public string Export => $"arn:aws:s3:::{Bucket}/{Run.Spec.InstanceName}-0f1e/export.zip";

    }

    private async Task<List<Target>> TargetsAsync()
    {
        var targets = new List<Target>();
        foreach (var stack in Stacks())
        {
            var run = await runs.GetAsync(stack);
            var region = run.Spec.Region!;
            var bucket = run.IdOf(Assert.Single(run.OfType("aws:s3/bucket:Bucket"), b => b.Name!.EndsWith("-storage-exports", StringComparison.Ordinal)));
            var key = run.StackKey();
            targets.Add(new Target(stack, region, bucket, $"arn:aws:kms:{region}:{MockValues.AccountId}:key/{run.IdOf(key)}",
                IamPolicy.Parse(key.Text("policy")!), StackAccessModel.Of(run), run));
        }

        Assert.True(targets.Count >= 2, "fewer than two AWS stack files");
        return targets;
    }

    private static Dictionary<string, string> Context(string principal, IReadOnlyDictionary<string, string> tags, string via, string objectArn)
    {
        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["aws:PrincipalArn"] = principal,
            ["kms:CallerAccount"] = MockValues.AccountId,
            ["kms:ViaService"] = via,
            ["kms:EncryptionContext:aws:s3:arn"] = objectArn,
        };
        foreach (var (key, value) in tags)
        {
            context[$"aws:PrincipalTag/{key}"] = value;
        }

        return context;
    }

    private static bool IdentityAllows(IReadOnlyList<IamPolicy> identity, IamRequest request)
    {
        var decisions = identity.Select(p => p.Evaluate(request)).ToList();
        return !decisions.Contains(IamDecision.ExplicitDeny) && decisions.Contains(IamDecision.Allowed);
    }

    /// <summary>Whether <paramref name="role"/> may do <paramref name="s3Action"/> on <paramref name="objectArn"/> and S3 may use the key for it.</summary>
    private static bool Can(StackRole role, Target target, string s3Action, string kmsAction, string objectArn, string? via = null)
    {
        var identity = role.Policies.Select(p => p.Policy).ToList();
        var context = Context(role.Arn, role.Tags, via ?? DeploymentEnvPolicies.S3ViaService(target.Region), objectArn);
        return IdentityAllows(identity, new IamRequest(s3Action, objectArn, context, s3Action))
            && KeyPolicyEvaluation.Evaluate(target.KeyPolicy, role.Arn, MockValues.AccountId, identity, new IamRequest(kmsAction, target.KeyArn, context, kmsAction)) == IamDecision.Allowed;
    }

    private static bool CanStore(StackRole role, Target target, string? objectArn = null, string? via = null) =>
        Can(role, target, "s3:PutObject", "kms:GenerateDataKey", objectArn ?? target.Stored, via);

    private static bool CanRead(StackRole role, Target target) => Can(role, target, "s3:GetObject", "kms:Decrypt", target.Stored);

    private static StackRole ExportTaskRole(Target t) => Assert.Single(t.Model.Roles, r => r.Arn.Contains("-backups-export-task", StringComparison.Ordinal));

    [Fact]
    public async Task The_export_task_role_stores_the_variables_and_nothing_else()
    {
        foreach (var t in await TargetsAsync())
        {
            var task = ExportTaskRole(t);
            var identity = task.Policies.Select(p => p.Policy).ToList();
            bool Allows(string action, string resource) => IdentityAllows(identity, new IamRequest(action, resource, Context(task.Arn, task.Tags, "", resource), action));

            Assert.True(CanStore(task, t), $"{t.Stack}: the export task role cannot store the variables");
            // Only under deployment-env/, only with the stack key through S3 in the stack's region.
            Assert.False(CanStore(task, t, objectArn: t.Export), t.Stack);
            Assert.False(Allows("s3:PutObject", t.Export), t.Stack);
            Assert.False(CanStore(task, t, via: $"ssm.{t.Region}.amazonaws.com"), t.Stack);
            Assert.False(CanStore(task, t, via: "s3.us-east-2.amazonaws.com"), t.Stack);
            // Never read, delete or change retention, on its prefix or any other.
            Assert.False(CanRead(task, t), t.Stack);
            foreach (var objectArn in new[] { t.Stored, t.Export })
            {
                Assert.All(IamPolicies.ExportEraseActions.Append("s3:GetObject").Append("s3:GetObjectVersion").Append("s3:PutObjectLegalHold").Append("s3:PutObjectAcl"),
                    action => Assert.False(Allows(action, objectArn), $"{t.Stack}: {action} on {objectArn}"));
            }

            Assert.All(new[] { "s3:ListBucket", "s3:PutBucketPolicy", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration", "s3:PutBucketVersioning" },
                action => Assert.False(Allows(action, $"arn:aws:s3:::{t.Bucket}"), $"{t.Stack}: {action}"));
            Assert.False(Allows("kms:Decrypt", t.KeyArn), t.Stack);

            // The execution role (which fetches the admin key) is not the one that writes.
            var execution = Assert.Single(t.Model.Roles, r => r.Arn.Contains("-backups-export-execution", StringComparison.Ordinal));
            Assert.False(CanStore(execution, t), t.Stack);

            // The task definition gives the container exactly that role.
            var definition = Assert.Single(t.Run.OfType("aws:ecs/taskDefinition:TaskDefinition"), d => d.Text("family") == ExportTask.Family(t.Run.Spec));
            Assert.Equal(task.Arn, definition.Text("taskRoleArn"));
            Assert.Equal(execution.Arn, definition.Text("executionRoleArn"));
        }
    }

    [Fact]
    public async Task No_role_of_another_stack_and_no_other_principal_stores_or_reads_a_stacks_variables()
    {
        var targets = await TargetsAsync();
        var leaks = (from t in targets
                     from other in targets
                     where other.Stack != t.Stack
                     from role in StackAccessModel.WithCiRoles(other.Run).Roles
                     where CanStore(role, t) || CanRead(role, t)
                     select $"{other.Stack} → {t.Stack}: {role.Arn}").ToList();

        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        Assert.All(targets, t =>
        {
            Assert.False(CanStore(Control, t), t.Stack);
            Assert.False(CanRead(Control, t), t.Stack);
        });
        // The stack's own roles other than its export task role neither (the host, the ECS roles, the scheduler).
        Assert.All(targets, t => Assert.All(t.Model.Roles.Where(r => r != ExportTaskRole(t)), r =>
        {
            Assert.False(CanStore(r, t), $"{t.Stack}: {r.Arn}");
            Assert.False(CanRead(r, t) && !r.Arn.Contains("-backup-copy-replication", StringComparison.Ordinal), $"{t.Stack}: {r.Arn}");
        }));
    }

    [Fact]
    public async Task The_deployer_who_runs_restore_reads_them_through_s3_only_for_that_prefix()
    {
        var deployer = new StackRole("deployer", MockValues.CallerArn, new Dictionary<string, string>(), Control.Policies);
        foreach (var t in await TargetsAsync())
        {
            Assert.True(CanRead(deployer, t), $"{t.Stack}: the deployer cannot read the stored variables");
            Assert.False(Can(deployer, t, "s3:GetObject", "kms:Decrypt", t.Export), t.Stack);
            Assert.False(CanStore(deployer, t), t.Stack);
            // A deployer session carrying a stack tag is a stack's role, not a person: refused.
            var tagged = deployer with { Tags = new Dictionary<string, string> { [KeyPolicies.StackTagKey] = t.Stack } };
            Assert.False(CanRead(tagged, t), t.Stack);
        }
    }

    [Fact]
    public async Task Only_a_backup_copys_replication_role_decrypts_them_and_only_in_the_source_region()
    {
        var withCopy = 0;
        foreach (var t in await TargetsAsync())
        {
            var replication = t.Model.Roles.SingleOrDefault(r => r.Arn.Contains("-backup-copy-replication", StringComparison.Ordinal));
            if (BackupCopyPlan.For(t.Run.Spec) is not { } copy)
            {
                Assert.Null(replication);
                Assert.DoesNotContain(t.KeyPolicy.Statements, s => s.Sid == "ReplicationReadsDeploymentEnvThroughS3");
                continue;
            }

            withCopy++;
            Assert.NotNull(replication);
            Assert.True(Can(replication, t, "s3:GetObjectVersionForReplication", "kms:Decrypt", t.Stored), t.Stack);
            Assert.False(Can(replication, t, "s3:GetObjectVersionForReplication", "kms:Decrypt", t.Stored, via: DeploymentEnvPolicies.S3ViaService(copy.Region)), t.Stack);
            Assert.False(Can(replication, t, "s3:GetObjectVersionForReplication", "kms:GenerateDataKey", t.Stored), t.Stack);
            Assert.False(CanStore(replication, t), t.Stack);

            // Replication carries the SSE-KMS objects and re-encrypts them with the copy's key.
            var config = Assert.Single(t.Run.OfType("aws:s3/bucketReplicationConfig:BucketReplicationConfig"));
            var rule = (IReadOnlyDictionary<string, object>)Assert.Single(config.List("rules"));
            Assert.Equal("Enabled", rule.Map("sourceSelectionCriteria").Map("sseKmsEncryptedObjects").Text("status"));
            var copyKey = Assert.Single(t.Run.OfType("aws:kms/key:Key"), k => k.Name!.EndsWith("-backup-copy-exports-key", StringComparison.Ordinal));
            Assert.Equal($"arn:aws:kms:{copy.Region}:{MockValues.AccountId}:key/{t.Run.IdOf(copyKey)}",
                rule.Map("destination").Map("encryptionConfiguration").Text("replicaKmsKeyId"));
        }

        Assert.True(withCopy > 0, "no stack file has a backup copy: nothing checked");
    }

    [Fact]
    public async Task The_pre_upgrade_export_runs_the_task_definition_the_schedule_runs()
    {
        var config = StackFiles.Load("prod");
        var run = await StackRun.RunAsync(config, RevisionHistory.Serialize(["0123456789abcdef0123456789abcdef01234567"]));

        var definition = Assert.Single(run.OfType("aws:ecs/taskDefinition:TaskDefinition"), d => d.Text("family") == ExportTask.Family(run.Spec));
        var arn = $"arn:aws:ecs:{run.Spec.Region}:{MockValues.AccountId}:task-definition/{definition.Text("family")}:1";
        var command = Assert.Single(run.OfType("command:local:Command"), c => c.Name!.EndsWith("-pre-upgrade-export", StringComparison.Ordinal));
        var schedule = Assert.Single(run.OfType("aws:scheduler/schedule:Schedule"));
        Assert.Equal(arn, command.Map("environment").Text("TASK_DEFINITION"));
        Assert.Equal(arn, schedule.Map("target").Map("ecsParameters").Text("taskDefinitionArn"));
        // So the pre-upgrade export stores the variables too: the same container, with the bucket and key set.
        Assert.Contains(ExportTask.BucketVariable, definition.Text("containerDefinitions"), StringComparison.Ordinal);
        var taskRole = Assert.Single(run.OfType(Role), r => r.Name!.EndsWith("-backups-export-task", StringComparison.Ordinal));
        Assert.Equal($"arn:aws:iam::{MockValues.AccountId}:role/{run.IdOf(taskRole)}", definition.Text("taskRoleArn"));
    }
}
