using System.Globalization;
using System.Text;
using ConvexInfra.Components.Tests.Provider.Protocol;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Planning;

namespace ConvexInfra.Components.Tests.Simulation;

/// <summary>
/// Class fixture: the program runs once per AWS stack file (all at once: each is its own process against its own test
/// engine), and every test reads those runs.
/// </summary>
public sealed class SimulatedRuns
{
    private readonly Lazy<Task<IReadOnlyDictionary<string, ProgramRun>>> _runs = new(async () =>
    {
        var stacks = StackFiles.WithTarget("aws-ec2").Concat(StackFiles.WithTarget("aws-ecs")).ToList();
        var runs = await Task.WhenAll(stacks.Select(ProgramRun.RunAsync));
        return runs.ToDictionary(r => r.Stack, StringComparer.Ordinal);
    });

    internal async Task<ProgramRun> GetAsync(string stack) => (await _runs.Value)[stack];

    internal async Task<IReadOnlyList<ProgramRun>> AllAsync() =>
        (await _runs.Value).Values.OrderBy(r => r.Spec.Target).ThenBy(r => r.Spec.Tier).ThenBy(r => r.Stack, StringComparer.Ordinal).ToList();
}

/// <summary>A recorded run as the simulation sees it, and the figures the docs show.</summary>
internal static class ColdDeploy
{
    /// <summary>The custom resources of the run with their steps; a type <see cref="DeployStepMap"/> does not know is named in the exception.</summary>
    public static IReadOnlyList<SimulatedResource> Resources(ProgramRun run)
    {
        var unknown = UnmappedTypes(run);
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"{run.Stack}: no step for {string.Join(", ", unknown)}; place each in DeployStepMap (a step of deploy-durations.json, or instant)");
        }

        var custom = run.Registrations.Where(r => r.Custom).ToList();
        IReadOnlyList<string> NamedEndingWith(string ending) => custom.Where(r => r.Name.EndsWith(ending, StringComparison.Ordinal)).Select(r => r.Urn).ToList();
        return custom.Select(r =>
        {
            var resource = new DeployStepMap.Resource(r.Name, run.Spec.Target, key => r.Inputs.Fields.TryGetValue(key, out var value) ? WireValues.ToPlain(value) : null);
            DeployStepMap.TryPhases(r.Type, resource, NamedEndingWith, out var phases);
            return new SimulatedResource(r.Urn, r.Type, r.Name, phases, r.Dependencies);
        }).ToList();
    }

    public static IReadOnlyList<string> UnmappedTypes(ProgramRun run) =>
        run.Registrations.Where(r => r.Custom && !DeployStepMap.Types.Contains(r.Type)).Select(r => r.Type).Distinct().Order(StringComparer.Ordinal).ToList();

    public static string DatabaseStep(ProgramRun run) => run.Spec.Database.MultiAz ? "rds-multi-az" : "rds-single-az";

    public static DeploySimulationResult Simulate(ProgramRun run, IReadOnlyList<SimulatedResource>? resources = null) =>
        DeploySimulation.Run(resources ?? Resources(run), DeployDurations.Embedded(), DatabaseStep(run));

    /// <summary>The host's part: the steps whose end means the backend serves (the first the run has).</summary>
    public static readonly string[] ServingSteps = ["host-apply", "ecs-serving"];

    /// <summary>From the database ready to the end of the serving step, seconds (low–high).</summary>
    private static string Serving(DeploySimulationResult simulated)
    {
        var step = ServingSteps.First(simulated.StepFinish.ContainsKey);
        var (low, high) = simulated.StepFinish[step];
        return string.Create(CultureInfo.InvariantCulture, $"{(low - simulated.DatabaseLowMinutes) * 60:0.#}–{(high - simulated.DatabaseHighMinutes) * 60:0.#} s (`{step}`)");
    }

    /// <summary>Per stack: the simulated cold deploy beside plan's estimate, and the simulated critical path with the resource that carried each step.</summary>
    public static string Table(IReadOnlyList<ProgramRun> runs)
    {
        var builder = new StringBuilder(
            "| stack | simulated cold `pulumi up` | plan | simulated end after the database | plan | backend serving after the database (simulated) | simulated critical path (resource carrying each step) |\n" +
            "|---|---:|---:|---:|---:|---:|---|\n");
        foreach (var run in runs)
        {
            var simulated = Simulate(run);
            var plan = DeployTime.Estimate(run.Spec);
            var root = $"{Components.Aws.AwsNames.RootName(run.Spec)}-";
            var path = string.Join(" → ", simulated.CriticalPath.Select(s =>
                s.Step == "pulumi" ? "`pulumi`" : $"`{s.Step}` ({(s.Resource.StartsWith(root, StringComparison.Ordinal) ? s.Resource[root.Length..] : s.Resource)})"));
            builder.Append(CultureInfo.InvariantCulture,
                $"| `{run.Stack}` | {simulated.Range} | {plan.Range} | {simulated.AfterDatabaseRange} | {plan.AfterDatabaseRange} | {Serving(simulated)} | {path} |\n");
        }

        return builder.ToString();
    }
}
