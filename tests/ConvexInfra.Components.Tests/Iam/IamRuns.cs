using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws.Iam;
using ConvexInfra.Core.Ops;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Iam;

/// <summary>
/// Class fixture: every AWS stack file (and the ecs stack with private subnets, which adds the NAT gateway) run once
/// under mocks, turned into the requests each CI role makes (Core's <see cref="IamActionMap"/>), and the two CI
/// policies of docs/cicd/ filled in the way the bootstrap in docs/cicd.md fills them.
/// </summary>
public sealed partial class IamRuns
{
    public const string PrivateEcs = "ecs+private-subnets";

    /// <summary>Staging restoring its database from a snapshot (dbRestoreSnapshot): the restore's invoke and create calls.</summary>
    public const string StagingRestore = "staging+db-restore";

    private readonly ConcurrentDictionary<string, Lazy<Task<StackRequests>>> _runs = new(StringComparer.Ordinal);

    /// <summary>Every stack file with an AWS target, plus the private-subnet ECS variant.</summary>
    public static IReadOnlyList<string> Cases() =>
        StackFiles.WithTarget("aws-ec2").Concat(StackFiles.WithTarget("aws-ecs")).Append(PrivateEcs).Append(StagingRestore).Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> CaseData()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases())
        {
            data.Add(name);
        }

        return data;
    }

    internal Task<StackRequests> GetAsync(string name) =>
        _runs.GetOrAdd(name, key => new Lazy<Task<StackRequests>>(() => RunAsync(key))).Value;

    /// <summary>The policy file with the placeholders filled in for <paramref name="stack"/>.</summary>
    public static string Policy(string file, string stack)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "cicd", file));
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_ACCOUNT_ID"] = MockValues.AccountId,
            ["AWS_REGION"] = "eu-west-1",
            ["BACKUP_COPY_REGION"] = BackupCopyPlan.DefaultRegionFor("eu-west-1")!,
            ["GITHUB_REPOSITORY"] = "acme/convex-infra",
            ["GITHUB_ENVIRONMENT"] = stack,
            ["STACK"] = stack,
            ["STATE_BUCKET"] = StateBucket,
            ["STATE_KMS_KEY_ID"] = StateKeyId,
        };
        return Placeholder().Replace(text, m => values[m.Groups[1].Value]);
    }

    private const string OlderRevision = "0123456789abcdef0123456789abcdef01234567";
    private const string StateBucket = "acme-pulumi-state";
    private const string StateKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";

    private static async Task<StackRequests> RunAsync(string name)
    {
        var stack = name == PrivateEcs ? "ecs" : name == StagingRestore ? "staging" : name;
        var config = StackFiles.Load(stack);
        if (name == PrivateEcs)
        {
            config = StackFiles.With(config, "convex-infra:ecsSubnets", "private");
        }

        if (name == StagingRestore)
        {
            config = StackFiles.With(config, "convex-infra:dbRestoreSnapshot", "rds:acme-staging-2026-12-01-03-10");
        }

        // An upgrade (the stored history names an older revision) registers everything a first deploy does, plus the
        // pre-upgrade export that runs `aws ecs run-task` on the runner.
        var run = await StackRun.RunAsync(config, RevisionHistory.Serialize([OlderRevision]));
        var region = run.Spec.Region ?? "eu-west-1";
        var target = new IamTarget(
            MockValues.Partition, MockValues.AccountId, region, StackFiles.ProjectName, stack, StateBucket,
            $"arn:{MockValues.Partition}:kms:{region}:{MockValues.AccountId}:key/{StateKeyId}");
        var resources = run.Registered
            .Select(r => new RegisteredResource(r.Type!, r.Name!, run.Ids.GetValueOrDefault($"{r.Type}::{r.Name}", ""), Flatten(r.Inputs)))
            .ToList();
        var invokes = run.Calls.Select(c => new RegisteredInvoke(c.Token!, Flatten(c.Args))).ToList();
        return new StackRequests(
            stack,
            resources,
            IamActionMap.Requests(target, resources, invokes, IamRole.Deploy),
            IamActionMap.Requests(target, resources, invokes, IamRole.Preview));
    }

    /// <summary>Inputs as flat strings: nested maps as <c>a.b</c>, lists as <c>a[0]</c>.</summary>
    private static Dictionary<string, string> Flatten(IEnumerable<KeyValuePair<string, object>> inputs)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string key, object? value)
        {
            switch (value)
            {
                case null:
                    break;
                case string text:
                    flat[key] = text;
                    break;
                case IDictionary<string, object> map:
                    foreach (var (k, v) in map)
                    {
                        Add($"{key}.{k}", v);
                    }

                    break;
                case IEnumerable list:
                    var i = 0;
                    foreach (var item in list)
                    {
                        Add($"{key}[{i++}]", item);
                    }

                    break;
                default:
                    flat[key] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                    break;
            }
        }

        foreach (var (key, value) in inputs)
        {
            Add(key, value);
        }

        return flat;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConvexInfra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no ConvexInfra.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\$\{([A-Z_]+)\}")]
    private static partial Regex Placeholder();
}

/// <summary>What one stack registered and the requests each CI role makes for it.</summary>
internal sealed record StackRequests(
    string Stack,
    IReadOnlyList<RegisteredResource> Resources,
    IReadOnlyList<IamRequest> Deploy,
    IReadOnlyList<IamRequest> Preview);
