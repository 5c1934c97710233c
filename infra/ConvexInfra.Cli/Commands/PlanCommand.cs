using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Planning;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Cli.Commands;

/// <summary>
/// <c>convex-infra plan --stack NAME [--out DIR]</c>: reads Pulumi.NAME.yaml with no cloud account and no Pulumi CLI,
/// validates it, prints what the stack creates and costs, and writes every rendered artifact.
/// </summary>
public sealed class PlanCommand : ICliCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Name => "plan";

    public string Summary => "Validate a stack file offline, show what it creates and costs, render its artifacts.";

    public Command Build(CliConsole console)
    {
        var stack = CliKit.Text("--stack", "NAME", "the stack to plan: local, dev, staging, prod, ecs, ... (reads Pulumi.NAME.yaml; required)");
        var outDir = CliKit.Text("--out", "DIR", "also write every rendered artifact (env files, Caddyfile, compose file, cloud-init, scripts, systemd units, the policy of every IAM role, ECS container definitions, bucket and topic policies, network plan) under DIR");
        var rootDir = CliKit.Text("--root", "DIR", "the repository root holding Pulumi.yaml (default: search upwards from here)");
        var json = CliKit.Flag("--json", "print the plan as JSON instead of text");
        var running = CliKit.Text("--running-revision", "SHA", "the revision the stack runs now (pulumi stack output imageRevision): check the move to the file's imageRevision as `pulumi up` does (no going back, no leaving a local-storage revision unconfirmed)");
        var command = CliKit.Verb(Name, Summary, """
            Reads Pulumi.NAME.yaml from the repository (no AWS account, no Pulumi CLI needed), validates every
            setting, and prints every resource `pulumi up` would create (by component and Pulumi type, backups
            and monitoring included), the public URLs, the sizes, an estimated monthly cost (us-east-1 list
            prices, split into infrastructure, backups and monitoring) and the expected cold-deploy time with its
            critical path. Values AWS assigns at deploy time (bucket suffixes, the RDS endpoint, the account id)
            appear as placeholders marked 'assigned-at-deploy' / 000000000000.

            With --running-revision, the move from that revision to the file's imageRevision is checked as
            `pulumi up` checks it against the stack's revision history: going back needs allowRevisionDowngrade,
            and leaving a revision that kept an AWS stack's files on local disk (4d3b0a5) needs
            storageMigrationConfirmed (docs/aws.md).

            Exit codes: 0 the stack is valid; 1 the stack file has errors (all are listed, each with the key,
            what was given, what is expected and an example) or `pulumi up` would refuse the revision; 2 bad
            arguments.

            Example: convex-infra plan --stack dev --out out/dev
            """, stack, outDir, rootDir, json, running);
        CliKit.Run(command, console, (result, _) =>
            RunAsync(console, CliKit.Required(result, stack, "dev"), result.GetValue(outDir), result.GetValue(rootDir), result.GetValue(json), result.GetValue(running)));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string stack, string? outDir, string? rootOption, bool json, string? runningRevision)
    {
        var root = StackFileCheck.Root(console, rootOption);
        if (await StackFileCheck.LocateAsync(console, "plan", root, stack) is not { } stackFile)
        {
            return ExitCodes.Failed;
        }

        if (await StackFileCheck.ValidateAsync(console, root, stack, await File.ReadAllTextAsync(stackFile), "nothing was planned") is not { } spec)
        {
            return ExitCodes.Failed;
        }

        var revision = StackFileCheck.Revision(spec, runningRevision);
        if (revision is { Allowed: false })
        {
            await console.Error.WriteLineAsync($"Pulumi.{stack}.yaml: `pulumi up` would refuse this revision; nothing was planned:");
            await console.Error.WriteLineAsync($"  - {revision.Message}");
            return ExitCodes.Failed;
        }

        var plan = StackPlanner.Plan(spec);
        if (outDir is not null)
        {
            WriteArtifacts(plan, Path.GetFullPath(outDir, console.WorkingDirectory));
        }

        await console.Out.WriteAsync(json ? PlanJson(plan, outDir, revision) : PlanText.Render(plan, outDir, revision));
        return ExitCodes.Ok;
    }

    private static void WriteArtifacts(StackPlan plan, string outDir)
    {
        foreach (var artifact in plan.Artifacts)
        {
            var target = Path.GetFullPath(Path.Combine(outDir, artifact.Path));
            if (!target.StartsWith(outDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"artifact path {artifact.Path} leaves the output folder");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, artifact.Content);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, (UnixFileMode)Convert.ToInt32(artifact.Permissions, 8));
            }
        }
    }

    private static string PlanJson(StackPlan plan, string? outDir, RevisionDecision? revision)
    {
        var spec = plan.Spec;
        var document = new
        {
            stack = spec.StackName,
            target = spec.Target.ConfigName(),
            tier = spec.Tier.ConfigName(),
            instanceName = spec.InstanceName,
            region = spec.Region,
            imageRevision = spec.ImageRevision,
            revisionCheck = revision?.Message,
            urls = new { api = spec.Endpoints.ApiOrigin, site = spec.Endpoints.SiteOrigin, dashboard = spec.Endpoints.DashboardOrigin },
            resourceCount = plan.ResourceCount,
            resources = plan.Resources.Select(r => new { group = r.Group, type = r.Type, count = r.Count, description = r.Description }),
            coldDeployMinutes = new
            {
                low = plan.DeployTime.LowMinutes,
                high = plan.DeployTime.HighMinutes,
                criticalPath = plan.DeployTime.CriticalPath.Select(s => new { step = s.Key, label = s.Label, low = s.Low, high = s.High, source = s.Source }),
                note = plan.DeployTime.Note,
            },
            monthlyCostUsd = plan.Cost.MonthlyTotalUsd,
            monthlyCostByCategoryUsd = plan.Cost.Lines.GroupBy(l => l.Category).ToDictionary(g => g.Key, g => g.Sum(l => l.MonthlyUsd)),
            costLines = plan.Cost.Lines.Select(l => new { item = l.Item, category = l.Category, detail = l.Detail, monthlyUsd = l.MonthlyUsd }),
            costNote = plan.Cost.Note,
            artifacts = plan.Artifacts.Select(a => a.Path),
            outDir,
        };
        return JsonSerializer.Serialize(document, Indented) + "\n";
    }
}

/// <summary>The human-readable plan.</summary>
internal static class PlanText
{
    public static string Render(StackPlan plan, string? outDir, RevisionDecision? revision)
    {
        var spec = plan.Spec;
        var lines = new List<string>
        {
            $"Stack {spec.StackName}: target {spec.Target.ConfigName()}, tier {spec.Tier.ConfigName()}, instance {spec.InstanceName}" +
                (spec.Region is null ? string.Empty : $", region {spec.Region}"),
            $"Images: convex-backend and convex-dashboard at {spec.ImageRevision}",
        };
        if (revision is not null)
        {
            lines.Add($"Revision check: {revision.Message}");
        }

        lines.AddRange(
        [
            string.Empty,
            "Public URLs:",
            $"  api        {spec.Endpoints.ApiOrigin}",
            $"  site       {spec.Endpoints.SiteOrigin}",
            $"  dashboard  {spec.Endpoints.DashboardOrigin}",
            string.Empty,
            $"Will create {plan.ResourceCount} resources:",
        ]);
        foreach (var group in plan.Resources.Where(r => r.Count > 0).GroupBy(r => r.Group))
        {
            lines.Add($"  {group.Key}");
            lines.AddRange(group.Select(r => $"    {r.Count,3} × {ShortType(r.Type),-34} {r.Description}"));
        }

        lines.Add(string.Empty);
        lines.Add(plan.Spec.Target == DeploymentTarget.Local
            ? "Expected cold deploy: no cloud resources; pulling the images takes most of the time."
            : $"Expected cold deploy: {plan.DeployTime.Range} (critical path: {string.Join(" → ", plan.DeployTime.CriticalPath.Select(s => s.Key))}; step times and sources in Data/deploy-durations.json)");
        lines.Add(string.Empty);
        lines.Add(FormattableString.Invariant($"Estimated monthly cost: ${plan.Cost.MonthlyTotalUsd:0.00}"));
        foreach (var category in plan.Cost.Lines.GroupBy(l => l.Category))
        {
            lines.Add(FormattableString.Invariant($"  {category.Key}: ${category.Sum(l => l.MonthlyUsd):0.00}"));
            lines.AddRange(category.Select(l => string.Create(CultureInfo.InvariantCulture, $"    {l.MonthlyUsd,9:0.00}  {l.Item} ({l.Detail})")));
        }

        if (!string.IsNullOrEmpty(plan.Cost.Note))
        {
            lines.Add($"  {plan.Cost.Note}");
        }

        lines.Add(string.Empty);
        lines.Add(outDir is null
            ? $"{plan.Artifacts.Count} artifacts rendered; write them with --out DIR."
            : $"Wrote {plan.Artifacts.Count} artifacts to {outDir}:");
        if (outDir is not null)
        {
            lines.AddRange(plan.Artifacts.Select(a => $"  {a.Path}"));
        }

        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    /// <summary><c>aws:ec2/vpc:Vpc</c> → <c>aws:ec2:Vpc</c>, the form <c>pulumi preview</c> prints.</summary>
    private static string ShortType(string type)
    {
        var parts = type.Split(':');
        return parts.Length == 3 ? $"{parts[0]}:{parts[1].Split('/')[0]}:{parts[2]}" : type;
    }
}
