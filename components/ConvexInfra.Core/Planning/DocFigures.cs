using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Cost;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>
/// Figures the docs quote (monthly costs, cold-deploy times, the ALB idle timeout, proxy timeouts, upgrade downtime,
/// and as <c>fact:&lt;id&gt;</c> the figure of every limit in the Convex facts table), rendered from Core for the
/// repository's stack files so the docs cannot drift from <c>convex-infra plan</c>. A doc marks each figure:
/// inline as <c>&lt;!--plan:KEY--&gt;value&lt;!--/plan--&gt;</c>, a block as <c>&lt;!-- BEGIN plan:KEY --&gt;</c> …
/// <c>&lt;!-- END plan:KEY --&gt;</c>; <see cref="Apply"/> rewrites every marked figure and a test requires the docs
/// to be unchanged by it.
/// </summary>
public static partial class DocFigures
{
    /// <summary>Key → figure for the given plans (the repository's stack files), plus the variants the docs compare.</summary>
    public static IReadOnlyDictionary<string, string> Values(IReadOnlyList<StackPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        var aws = plans.Where(p => p.Spec.Target != DeploymentTarget.Local)
            .OrderBy(p => p.Spec.Target).ThenBy(p => p.Spec.Tier).ThenBy(p => p.Spec.StackName, StringComparer.Ordinal).ToList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Figures at the default HTTP_SERVER_TIMEOUT_SECONDS; docs/tuning.md says how they follow the knob.
            ["alb-idle-timeout"] = $"{EcsDeploymentSettings.LoadBalancerIdleTimeoutSeconds(BackendKnobValues.Upstream.HttpServerTimeoutSeconds)} s",
            ["proxy-timeout"] = $"{Caddyfile.ProxyTimeoutSeconds(BackendKnobValues.Upstream.HttpServerTimeoutSeconds)} s",
            ["ec2-upgrade-downtime"] = UpgradeDowntime.Range,
            ["ecs-upgrade-gap"] = EcsUpgradeGap.Range,
            ["ecs-task-start"] = $"{EcsUpgradeGap.TaskStartLowSeconds}–{EcsUpgradeGap.TaskStartHighSeconds} s",
            ["cost-table"] = CostTable(aws.Select(p => (p.Spec.StackName, p.Cost)).ToList()),
            ["cold-deploy-table"] = DeployTable(aws),
            ["deploy-steps"] = StepsTable(DeployDurations.Embedded()),
            ["cold-deploy-max"] = $"{aws.Max(p => p.DeployTime.HighMinutes)} minutes",
            ["tuning-knobs"] = TuningTables.Knobs(),
            ["tuning-stacks"] = TuningTables.Stacks(plans.OrderBy(p => p.Spec.Target).ThenBy(p => p.Spec.Tier).ThenBy(p => p.Spec.StackName, StringComparer.Ordinal).ToList()),
            ["backup-copy-regions"] = CopyRegionTable(),
            ["recovery-promise"] = PromiseTable(),
            ["recovery-table"] = RecoveryTable(plans.OrderBy(p => p.Spec.Target).ThenBy(p => p.Spec.Tier).ThenBy(p => p.Spec.StackName, StringComparer.Ordinal).ToList()),
        };

        foreach (var fact in ConvexFacts.Embedded().Facts.Where(f => f.Figure is not null))
        {
            values[$"fact:{fact.Id}"] = fact.Figure!;
        }

        foreach (var step in DeployDurations.Embedded().Steps)
        {
            values[$"step:{step.Key}"] = $"{Number(step.Low, "0.#")}–{Number(step.High, "0.#")} min";
        }

        foreach (var plan in aws)
        {
            var stack = plan.Spec.StackName;
            values[$"cost:{stack}"] = Usd(plan.Cost.MonthlyTotalUsd);
            values[$"cold-deploy:{stack}"] = plan.DeployTime.Range;
            values[$"after-database:{stack}"] = plan.DeployTime.AfterDatabaseRange;
            foreach (var category in plan.Cost.Lines.Select(l => l.Category).Distinct())
            {
                values[$"cost:{stack}:{category}"] = Usd(plan.Cost.TotalOf(category));
            }

            if (plan.Spec.Target == DeploymentTarget.AwsEcs)
            {
                var other = plan.Spec.Compute.EcsSubnets == EcsSubnetPlacement.Public ? EcsSubnetPlacement.PrivateWithNat : EcsSubnetPlacement.Public;
                var variant = CostEstimator.Estimate(plan.Spec with { Compute = plan.Spec.Compute with { EcsSubnets = other } });
                values[$"cost-table:{stack}"] = CostTable(
                [
                    ($"`{stack}` (ecsSubnets: {plan.Spec.Compute.EcsSubnets.ConfigName()})", plan.Cost),
                    ($"`{stack}` with ecsSubnets: {other.ConfigName()}", variant),
                ]);
            }
        }

        return values;
    }

    /// <summary>The text with every marked figure replaced by its current value; unknown keys are left alone (the test names them).</summary>
    public static string Apply(string text, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(values);
        text = Block().Replace(text, m => values.TryGetValue(m.Groups["key"].Value, out var v)
            ? $"<!-- BEGIN plan:{m.Groups["key"].Value} -->\n{v}<!-- END plan:{m.Groups["key"].Value} -->"
            : m.Value);
        return Inline().Replace(text, m => values.TryGetValue(m.Groups["key"].Value, out var v)
            ? $"<!--plan:{m.Groups["key"].Value}-->{v}<!--/plan-->"
            : m.Value);
    }

    /// <summary>Every key a text marks, inline or as a block.</summary>
    public static IReadOnlyList<string> Keys(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. Block().Matches(text).Select(m => m.Groups["key"].Value), .. Inline().Matches(text).Select(m => m.Groups["key"].Value)];
    }

    /// <summary>The text with every marked figure cut out, to look for figures nobody marked.</summary>
    public static string WithoutMarked(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Inline().Replace(Block().Replace(text, string.Empty), string.Empty);
    }

    /// <summary>One column per estimate; a row per cost item (– where a stack has none), subtotals per category and the total.</summary>
    public static string CostTable(IReadOnlyList<(string Name, CostEstimate Cost)> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var builder = new StringBuilder();
        builder.Append("| item (USD/month) |").AppendJoin(string.Empty, columns.Select(c => $" {c.Name} |")).Append('\n');
        builder.Append("|---|").AppendJoin(string.Empty, columns.Select(_ => "---:|")).Append('\n');
        var categories = columns.SelectMany(c => c.Cost.Lines.Select(l => l.Category)).Distinct().ToList();
        foreach (var category in categories)
        {
            var items = columns.SelectMany(c => c.Cost.Lines.Where(l => l.Category == category).Select(l => l.Item)).Distinct().ToList();
            foreach (var item in items)
            {
                builder.Append($"| {item} |").AppendJoin(string.Empty, columns.Select(c =>
                    c.Cost.Lines.FirstOrDefault(l => l.Item == item) is { } line ? $" {Number(line.MonthlyUsd)} |" : " – |")).Append('\n');
            }

            builder.Append($"| *{category}* |").AppendJoin(string.Empty, columns.Select(c => $" *{Number(c.Cost.TotalOf(category))}* |")).Append('\n');
        }

        builder.Append("| **total** |").AppendJoin(string.Empty, columns.Select(c => $" **{Number(c.Cost.MonthlyTotalUsd)}** |")).Append('\n');
        return builder.ToString();
    }

    private static string DeployTable(IReadOnlyList<StackPlan> plans)
    {
        var builder = new StringBuilder("| stack | target | database | expected cold `pulumi up` | critical path |\n|---|---|---|---:|---|\n");
        foreach (var plan in plans)
        {
            var db = plan.Spec.Database;
            builder.Append(CultureInfo.InvariantCulture,
                $"| `{plan.Spec.StackName}` | {plan.Spec.Target.ConfigName()} | {db.InstanceClass}{(db.MultiAz ? " Multi-AZ" : string.Empty)} | {plan.DeployTime.Range} | " +
                $"{string.Join(" → ", plan.DeployTime.CriticalPath.Select(s => s.Key))} |\n");
        }

        return builder.ToString();
    }

    /// <summary>Per stack: what a loss of data costs at most (RPO) per layer, and how long each layer keeps its copies.</summary>
    private static string RecoveryTable(IReadOnlyList<StackPlan> plans)
    {
        var builder = new StringBuilder("| stack | tier | database RPO | files and portable copy RPO (export schedule) | RDS backups kept | exports kept | exports locked | copy in another region |\n|---|---|---|---|---:|---:|---|---|\n");
        foreach (var plan in plans)
        {
            var r = Ops.RecoveryObjectives.For(plan.Spec);
            var locked = r.ExportLock.Enabled ? $"{r.ExportLock.S3Mode.ToLowerInvariant()}, {r.ExportLock.Days} days" : "no";
            var rds = plan.Spec.Target == DeploymentTarget.Local ? "–" : $"{r.RdsRetentionDays} days";
            var exports = r.ExportRetentionDays > 0 ? $"{r.ExportRetentionDays} days" : "–";
            builder.Append(CultureInfo.InvariantCulture,
                $"| `{plan.Spec.StackName}` | {plan.Spec.Tier.ToString().ToLowerInvariant()} | {r.DatabaseRpo} | {r.ExportRpo} | {rds} | {exports} | {(plan.Spec.Target == DeploymentTarget.Local ? "–" : locked)} | {CopyCell(plan.Spec)} |\n");
        }

        return builder.ToString();
    }

    /// <summary>The backup copy of a stack in one cell: where, how locked, and whether the RDS backups go too.</summary>
    private static string CopyCell(DeploymentSpec spec)
    {
        if (spec.Target == DeploymentTarget.Local)
        {
            return "–";
        }

        if (Ops.BackupCopyPlan.For(spec) is not { } copy)
        {
            return "no (backupCopy: true adds it)";
        }

        var database = copy.ReplicatesDatabaseBackups ? $" + RDS backups {copy.RdsRetentionDays} days" : string.Empty;
        return $"{copy.Region}: exports {copy.Lock.S3Mode.ToLowerInvariant()}, {copy.Lock.Days} days{database}";
    }

    /// <summary>The default copy region of each region (<see cref="Ops.BackupCopyPlan.DefaultRegions"/>).</summary>
    private static string CopyRegionTable()
    {
        var builder = new StringBuilder("| stack region | default backupCopyRegion |\n|---|---|\n");
        foreach (var (region, copy) in Ops.BackupCopyPlan.DefaultRegions)
        {
            builder.Append(CultureInfo.InvariantCulture, $"| `{region}` | `{copy}` |\n");
        }

        return builder.ToString();
    }

    /// <summary>Per tier: what a restore from the newest export promises, as <c>restore --drill</c> checks it.</summary>
    private static string PromiseTable()
    {
        var builder = new StringBuilder("| tier | RPO: newest export at most | RTO: restore at most | checked by |\n|---|---|---|---|\n");
        foreach (var tier in new[] { Tier.Prod, Tier.Staging, Tier.Dev })
        {
            var promise = Ops.RecoveryPromise.For(tier);
            var name = tier.ToString().ToLowerInvariant();
            builder.Append(CultureInfo.InvariantCulture,
                $"| {name} | {Ops.RecoveryPromise.Text(promise.ExportRpo)} | {Ops.RecoveryPromise.Text(promise.Rto)} | `convex-infra restore --stack <{name} stack> --drill` (monthly: drill.yml) |\n");
        }

        return builder.ToString();
    }

    private static string StepsTable(DeployDurations durations)
    {
        var builder = new StringBuilder("| step | what | typical minutes | source or assumption |\n|---|---|---:|---|\n");
        foreach (var step in durations.Steps)
        {
            builder.Append(CultureInfo.InvariantCulture, $"| `{step.Key}` | {step.Label} | {Number(step.Low, "0.#")}–{Number(step.High, "0.#")} | {step.Source} |\n");
        }

        return builder.ToString();
    }

    private static string Usd(decimal value) => "$" + Number(value);

    private static string Number(decimal value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"<!-- BEGIN plan:(?<key>[a-z0-9:-]+) -->\n.*?<!-- END plan:\k<key> -->", RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"<!--plan:(?<key>[a-z0-9:-]+)-->.*?<!--/plan-->")]
    private static partial Regex Inline();
}
