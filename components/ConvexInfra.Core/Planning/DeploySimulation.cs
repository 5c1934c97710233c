using System.Globalization;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>
/// One resource of a recorded run: its URN, type and name, the steps its creation takes one after the other
/// (<see cref="DeployStepMap"/>; none for an instant resource) and the URNs of the custom resources it waited for
/// (the RegisterResource request's dependencies, in the order the program sent them).
/// </summary>
public sealed record SimulatedResource(string Urn, string Type, string Name, IReadOnlyList<SimulatedPhase> Phases, IReadOnlyList<string> Dependencies)
{
    /// <summary>A resource with one step (null: instant) and no runtime wait.</summary>
    public SimulatedResource(string urn, string type, string name, string? step, IReadOnlyList<string> dependencies)
        : this(urn, type, name, step is null ? [] : [new SimulatedPhase(step, [])], dependencies)
    {
    }

    public bool Carries(string step) => Phases.Any(p => p.Step == step);
}

/// <summary>
/// One step of a resource's creation; besides the previous step it waits for <paramref name="AlsoAfter"/> (URNs): a
/// wait at run time that the engine does not see, such as a task polling for a parameter another resource writes.
/// </summary>
public sealed record SimulatedPhase(string Step, IReadOnlyList<string> AlsoAfter);

/// <summary>One stretch of the simulated critical path: the step and the resource that carried it.</summary>
public sealed record SimulatedPathStep(string Step, string Resource);

/// <summary>
/// A cold <c>pulumi up</c> replayed on a virtual clock: when the deploy ends (minutes, low and high figures chained
/// separately), when the database is ready, the critical path of the high figures, and when each step's last
/// resource is done.
/// </summary>
public sealed record DeploySimulationResult(
    decimal LowMinutes,
    decimal HighMinutes,
    decimal DatabaseLowMinutes,
    decimal DatabaseHighMinutes,
    IReadOnlyList<SimulatedPathStep> CriticalPath,
    IReadOnlyDictionary<string, (decimal Low, decimal High)> StepFinish,
    IReadOnlyList<string> SameStepChains)
{
    public decimal AfterDatabaseLowSeconds => (LowMinutes - DatabaseLowMinutes) * 60;

    public decimal AfterDatabaseHighSeconds => (HighMinutes - DatabaseHighMinutes) * 60;

    /// <summary>"6.1–12.6 min" (one decimal: the model's durations are tenths of minutes).</summary>
    public string Range => $"{Minutes(LowMinutes)}–{Minutes(HighMinutes)} min";

    public string AfterDatabaseRange => $"{Seconds(AfterDatabaseLowSeconds)}–{Seconds(AfterDatabaseHighSeconds)} s";

    public string Path => string.Join(" → ", CriticalPath.Select(s => s.Step));

    private static string Minutes(decimal value) => value.ToString("0.0#", CultureInfo.InvariantCulture);

    private static string Seconds(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}

/// <summary>
/// The mock simulation of a cold deploy: every resource starts when the resources it waited for are done (and not
/// before <c>pulumi up</c>'s own start-up, the <c>pulumi</c> step) and takes its step's typical duration (instant
/// resources none). This is how the engine schedules: it creates a resource as soon as its registration arrives, and
/// the SDK sends a registration only once everything it depends on is created. Deterministic: a virtual clock, no
/// sleeps.
/// </summary>
public static class DeploySimulation
{
    public static DeploySimulationResult Run(IReadOnlyList<SimulatedResource> resources, DeployDurations durations, string databaseStep)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(durations);
        var byUrn = new Dictionary<string, SimulatedResource>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            if (!byUrn.TryAdd(resource.Urn, resource))
            {
                throw new ArgumentException($"the run registered {resource.Urn} twice", nameof(resources));
            }
        }

        foreach (var resource in resources)
        {
            foreach (var phase in resource.Phases)
            {
                durations.Step(phase.Step);
            }

            foreach (var dependency in resource.Dependencies.Concat(resource.Phases.SelectMany(p => p.AlsoAfter)).Where(d => !byUrn.ContainsKey(d)))
            {
                throw new ArgumentException($"{resource.Urn} waited for {dependency}, which the run did not register", nameof(resources));
            }
        }

        var low = new Clock(byUrn, durations, s => s.Low);
        var high = new Clock(byUrn, durations, s => s.High);
        var steps = new Dictionary<string, (decimal Low, decimal High)>(StringComparer.Ordinal)
        {
            ["pulumi"] = (durations.Step("pulumi").Low, durations.Step("pulumi").High),
        };
        foreach (var resource in resources)
        {
            for (var i = 0; i < resource.Phases.Count; i++)
            {
                var step = resource.Phases[i].Step;
                var (l, h) = (low.PhaseEnd(resource, i), high.PhaseEnd(resource, i));
                steps[step] = steps.TryGetValue(step, out var seen) ? (Math.Max(seen.Low, l), Math.Max(seen.High, h)) : (l, h);
            }
        }

        if (!steps.TryGetValue(databaseStep, out var database))
        {
            throw new ArgumentException($"no resource of the run is the database step '{databaseStep}'", nameof(databaseStep));
        }

        return new DeploySimulationResult(
            resources.Select(low.Finish).DefaultIfEmpty(0m).Max(),
            resources.Select(high.Finish).DefaultIfEmpty(0m).Max(),
            database.Low,
            database.High,
            CriticalPath(resources, byUrn, high),
            steps,
            SameStepChains(resources, byUrn));
    }

    /// <summary>
    /// Where the simulation and <c>plan</c>'s model of the same spec disagree: the critical path, the totals and the
    /// time after the database as plan rounds them, and the finish of every step (a step that waits for something
    /// else in the program than in the model finishes at another time). Empty when they agree.
    /// </summary>
    public static IReadOnlyList<string> Disagreements(DeploySimulationResult simulated, DeploymentSpec spec, DeployDurations durations)
    {
        ArgumentNullException.ThrowIfNull(simulated);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(durations);
        var plan = DeployTime.Estimate(spec, durations);
        var problems = new List<string>();
        var planPath = string.Join(" → ", plan.CriticalPath.Select(s => s.Key));
        if (planPath != simulated.Path)
        {
            problems.Add($"critical path: plan {planPath}, simulation {simulated.Path}");
        }

        if ((int)Math.Floor(simulated.LowMinutes) != plan.LowMinutes || (int)Math.Ceiling(simulated.HighMinutes) != plan.HighMinutes)
        {
            problems.Add($"cold pulumi up: plan {plan.Range}, simulation {simulated.Range}");
        }

        if ((int)Math.Floor(simulated.AfterDatabaseLowSeconds) != plan.AfterDatabaseLowSeconds
            || (int)Math.Ceiling(simulated.AfterDatabaseHighSeconds) != plan.AfterDatabaseHighSeconds)
        {
            problems.Add($"after the database: plan {plan.AfterDatabaseRange}, simulation {simulated.AfterDatabaseRange}");
        }

        var planned = DeployTime.StepFinishes(spec, durations);
        foreach (var step in planned.Keys.Union(simulated.StepFinish.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var inPlan = planned.TryGetValue(step, out var p);
            var inRun = simulated.StepFinish.TryGetValue(step, out var s);
            if (!inPlan || !inRun)
            {
                problems.Add($"step '{step}' is only in the {(inPlan ? "plan's model" : "simulated program")}");
            }
            else if (p != s)
            {
                problems.Add($"step '{step}' ends at {p.Low}–{p.High} min in the plan's model, {s.Low}–{s.High} min in the simulated program");
            }
        }

        return problems;
    }

    /// <summary>
    /// From the resource that finishes last, back through what its last step waited for last: the previous step of
    /// the same resource, a resource it waits for at run time, or (before its first step) the dependency that
    /// finished last. On a tie, a resource that carries a step wins, then the first the program named.
    /// </summary>
    private static List<SimulatedPathStep> CriticalPath(IReadOnlyList<SimulatedResource> resources, Dictionary<string, SimulatedResource> byUrn, Clock clock)
    {
        var path = new List<SimulatedPathStep>();
        SimulatedResource? Latest(IEnumerable<string> urns) =>
            urns.Select(u => byUrn[u]).OrderByDescending(clock.Finish).ThenBy(r => r.Phases.Count == 0).FirstOrDefault();

        var current = resources.OrderByDescending(clock.Finish).ThenBy(r => r.Phases.Count == 0).FirstOrDefault();
        var phase = current is null ? -1 : current.Phases.Count - 1;
        while (current is not null)
        {
            if (phase < 0)
            {
                current = Latest(current.Dependencies);
                phase = current is null ? -1 : current.Phases.Count - 1;
                continue;
            }

            path.Add(new SimulatedPathStep(current.Phases[phase].Step, current.Name));
            var previous = phase > 0 ? clock.PhaseEnd(current, phase - 1) : clock.Ready(current);
            var runtime = Latest(current.Phases[phase].AlsoAfter);
            if (runtime is not null && clock.Finish(runtime) > previous)
            {
                current = runtime;
                phase = runtime.Phases.Count - 1;
            }
            else if (phase > 0)
            {
                phase--;
            }
            else
            {
                current = Latest(current.Dependencies);
                phase = current is null ? -1 : current.Phases.Count - 1;
            }
        }

        path.Add(new SimulatedPathStep("pulumi", "(start-up)"));
        path.Reverse();
        return path;
    }

    /// <summary>
    /// Resources that wait, directly or through others, for a resource of one of their own steps: the model gives a
    /// step one duration, so two of its resources one after the other would count it twice.
    /// </summary>
    private static List<string> SameStepChains(IReadOnlyList<SimulatedResource> resources, Dictionary<string, SimulatedResource> byUrn)
    {
        var chains = new List<string>();
        foreach (var resource in resources.Where(r => r.Phases.Count > 0))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>(resource.Dependencies.Concat(resource.Phases.SelectMany(p => p.AlsoAfter)));
            while (stack.Count > 0)
            {
                var urn = stack.Pop();
                if (!seen.Add(urn))
                {
                    continue;
                }

                var before = byUrn[urn];
                if (before.Phases.FirstOrDefault(p => resource.Carries(p.Step)) is { } same)
                {
                    chains.Add($"{resource.Name} ({same.Step}) waits for {before.Name} of the same step");
                    break;
                }

                foreach (var next in before.Dependencies.Concat(before.Phases.SelectMany(p => p.AlsoAfter)))
                {
                    stack.Push(next);
                }
            }
        }

        return chains;
    }

    /// <summary>The virtual clock of one set of figures (low or high): when each resource may start and when each of its steps ends.</summary>
    private sealed class Clock(Dictionary<string, SimulatedResource> byUrn, DeployDurations durations, Func<DeployStep, decimal> minutes)
    {
        private readonly decimal _start = minutes(durations.Step("pulumi"));
        private readonly Dictionary<string, decimal[]> _ends = new(StringComparer.Ordinal);
        private readonly Dictionary<string, decimal> _ready = new(StringComparer.Ordinal);
        private readonly HashSet<string> _visiting = new(StringComparer.Ordinal);

        /// <summary>When everything the resource's registration waited for is done (not before pulumi's start-up).</summary>
        public decimal Ready(SimulatedResource resource)
        {
            Ends(resource);
            return _ready[resource.Urn];
        }

        public decimal PhaseEnd(SimulatedResource resource, int phase) => Ends(resource)[phase];

        public decimal Finish(SimulatedResource resource) => resource.Phases.Count == 0 ? Ready(resource) : Ends(resource)[^1];

        private decimal[] Ends(SimulatedResource resource)
        {
            if (_ends.TryGetValue(resource.Urn, out var done))
            {
                return done;
            }

            if (!_visiting.Add(resource.Urn))
            {
                throw new ArgumentException($"{resource.Urn} waits for itself", nameof(resource));
            }

            var time = resource.Dependencies.Select(d => Finish(byUrn[d])).Append(_start).Max();
            _ready[resource.Urn] = time;
            var ends = new decimal[resource.Phases.Count];
            for (var i = 0; i < ends.Length; i++)
            {
                var phase = resource.Phases[i];
                time = phase.AlsoAfter.Select(u => Finish(byUrn[u])).Append(time).Max() + minutes(durations.Step(phase.Step));
                ends[i] = time;
            }

            _ends[resource.Urn] = ends;
            return ends;
        }
    }
}
