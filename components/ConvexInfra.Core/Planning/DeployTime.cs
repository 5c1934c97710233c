using System.Text.Json;
using System.Text.Json.Serialization;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>One step of a first deploy with its typical duration in minutes and where the figure comes from.</summary>
public sealed record DeployStep(string Key, string Label, decimal Low, decimal High, string Source);

/// <summary>The step durations, kept as data (Data/deploy-durations.json) with a source or stated assumption per step.</summary>
public sealed record DeployDurations(string AsOf, string Note, IReadOnlyList<DeployStep> Steps)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    public DeployStep Step(string key) =>
        Steps.SingleOrDefault(s => s.Key == key) ?? throw new InvalidOperationException($"deploy-durations.json has no step '{key}'");

    public static DeployDurations Embedded()
    {
        var assembly = typeof(DeployDurations).Assembly;
        var name = assembly.GetManifestResourceNames().Single(r => r.EndsWith(".Data.deploy-durations.json", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"embedded {name} is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    public static DeployDurations Parse(string json) =>
        JsonSerializer.Deserialize<DeployDurations>(json, Options) ?? throw new JsonException("deploy-durations.json is empty (null)");
}

/// <summary>
/// Expected wall time of a cold <c>pulumi up</c> (whole minutes, low–high), the chain of steps that decides it, and how
/// long after the database is available it ends (seconds, low–high: the part the program, and the host applying the
/// first release, add to the physical floor of RDS creation).
/// </summary>
public sealed record DeployTimeEstimate(int LowMinutes, int HighMinutes, IReadOnlyList<DeployStep> CriticalPath, string Note)
{
    public string Range => $"{LowMinutes}–{HighMinutes} min";

    public int AfterDatabaseLowSeconds { get; init; }

    public int AfterDatabaseHighSeconds { get; init; }

    public string AfterDatabaseRange => $"{AfterDatabaseLowSeconds}–{AfterDatabaseHighSeconds} s";
}

/// <summary>
/// The cold-deploy model: each step starts when the steps it depends on are done (the same dependencies the
/// components create: the database needs the network, POSTGRES_URL and the database address parameter need the
/// database's address, the ECS service needs its task definition and the HTTPS listener but not the database, alarms
/// need what they watch), and the deploy ends with the longest chain. Low and high figures are chained separately.
/// </summary>
public static class DeployTime
{
    public static DeployTimeEstimate Estimate(DeploymentSpec spec) => Estimate(spec, DeployDurations.Embedded());

    public static DeployTimeEstimate Estimate(DeploymentSpec spec, DeployDurations durations)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(durations);
        if (spec.Target == DeploymentTarget.Local)
        {
            return new DeployTimeEstimate(0, 0, [], "The local target pulls two images and starts containers; no cloud resources are created.");
        }

        var graph = Graph(spec);
        var low = Longest(graph, durations, s => s.Low);
        var high = Longest(graph, durations, s => s.High);
        var path = high.Path.Select(durations.Step).ToList();
        var rds = spec.Database.MultiAz ? "rds-multi-az" : "rds-single-az";
        return new DeployTimeEstimate((int)Math.Floor(low.Minutes), (int)Math.Ceiling(high.Minutes), path,
            $"Cold pulumi up, modelled from typical step times (Data/deploy-durations.json, as of {durations.AsOf}); critical path: " +
            string.Join(" → ", path.Select(s => s.Label)) + ".")
        {
            AfterDatabaseLowSeconds = (int)Math.Floor((low.Minutes - Finish(graph, durations, s => s.Low, rds)) * 60),
            AfterDatabaseHighSeconds = (int)Math.Ceiling((high.Minutes - Finish(graph, durations, s => s.High, rds)) * 60),
        };
    }

    /// <summary>When <paramref name="key"/> is done (minutes from the start), along its own longest chain.</summary>
    private static decimal Finish(Dictionary<string, string[]> graph, DeployDurations durations, Func<DeployStep, decimal> minutes, string key) =>
        graph[key].Select(before => Finish(graph, durations, minutes, before)).DefaultIfEmpty(0m).Max() + minutes(durations.Step(key));

    /// <summary>
    /// Whether <paramref name="step"/> waits, directly or through other steps, for <paramref name="before"/> in the
    /// model of <paramref name="spec"/>'s cold deploy; tests compare it with the order the components really register in.
    /// </summary>
    public static bool WaitsFor(DeploymentSpec spec, string step, string before)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var graph = Graph(spec);
        if (!graph.ContainsKey(step))
        {
            throw new ArgumentException($"the deploy model of {spec.Target} has no step '{step}'", nameof(step));
        }

        bool Reaches(string key) => graph[key].Any(b => b == before || Reaches(b));
        return Reaches(step);
    }

    /// <summary>When each step of <paramref name="spec"/>'s cold-deploy model is done (minutes from the start, low and high figures).</summary>
    public static IReadOnlyDictionary<string, (decimal Low, decimal High)> StepFinishes(DeploymentSpec spec, DeployDurations durations)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(durations);
        var graph = Graph(spec);
        return graph.Keys.ToDictionary(
            key => key,
            key => (Finish(graph, durations, s => s.Low, key), Finish(graph, durations, s => s.High, key)),
            StringComparer.Ordinal);
    }

    /// <summary>The steps of <paramref name="spec"/>'s cold-deploy model.</summary>
    public static IReadOnlyCollection<string> Steps(DeploymentSpec spec) => Graph(spec).Keys;

    /// <summary>
    /// Step → the steps it waits for. On a first deploy the pre-upgrade gate resolves at once, so the host's release
    /// and the ECS task definition wait for the database's address, not for the backups.
    /// </summary>
    private static Dictionary<string, string[]> Graph(DeploymentSpec spec)
    {
        var rds = spec.Database.MultiAz ? "rds-multi-az" : "rds-single-az";
        var graph = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["pulumi"] = [],
            ["network"] = ["pulumi"],
            [rds] = ["network"],
            ["secrets"] = [rds],
            // The export task definition waits for its security group's VPC and for the admin key's parameter, whose
            // value needs no database and whose KMS key waits only for the runtime roles (seconds, inside this step);
            // the schedule waits for the task definition, the revision history for the pre-upgrade gate (at once on a
            // first deploy). Nothing of it waits for the database (OrderingTests prove it with the RDS instance held).
            ["backups"] = ["network"],
        };
        // The backup copy's RDS backups replication starts once the instance exists (a command: it returns once RDS
        // accepted the start and does not wait for RDS to report it replicating, so it ends well before the serving chain).
        if (Ops.BackupCopyPlan.For(spec) is { ReplicatesDatabaseBackups: true })
        {
            graph["rds-backup-replication"] = [rds];
        }

        if (spec.Target == DeploymentTarget.AwsEc2)
        {
            graph["host"] = ["network"];
            // pulumi up ends only once the host reports the release the secrets step wrote (its wait step).
            graph["host-apply"] = ["secrets", "host"];
            // The database alarms and the dashboard need the RDS identifier, the instance alarms the instance, and
            // the stopped-task rule the export cluster.
            graph["monitoring"] = [rds, "host", "backups"];
        }
        else
        {
            graph["certificate"] = ["pulumi"];
            // The ALB provisions while ACM validates; the HTTPS listener (seconds) needs both, the service its rules.
            graph["load-balancer"] = ["network"];
            // The task definition and the service wait for no RDS output: the task starts (Fargate provisioning, image
            // pull) while RDS is created, and its entrypoint waits for the db-host parameter the secrets step writes.
            graph["ecs-task"] = ["network", "load-balancer", "certificate"];
            // A runtime step, no resource of its own: the service's steady-state wait ends once the backend serves.
            graph["ecs-serving"] = ["secrets", "ecs-task"];
            // The database alarms need the RDS identifier; the load balancer alarms its ARN suffixes.
            graph["monitoring"] = [rds, "load-balancer"];
            // The dashboard names the service (known once the service is steady); the grace-period reset runs after it.
            graph["ecs-follow-up"] = [rds, "ecs-serving"];
            if (spec.Compute.EcsSubnets == EcsSubnetPlacement.PrivateWithNat)
            {
                graph["nat-gateway"] = ["network"];
                graph["ecs-task"] = [.. graph["ecs-task"], "nat-gateway"];
            }
        }

        return graph;
    }

    private static (decimal Minutes, List<string> Path) Longest(
        Dictionary<string, string[]> graph, DeployDurations durations, Func<DeployStep, decimal> minutes)
    {
        var memo = new Dictionary<string, (decimal Minutes, List<string> Path)>(StringComparer.Ordinal);
        (decimal Minutes, List<string> Path) Finish(string key)
        {
            if (memo.TryGetValue(key, out var done))
            {
                return done;
            }

            var before = graph[key].Select(Finish).OrderByDescending(f => f.Minutes).FirstOrDefault((0m, []));
            var result = (before.Item1 + minutes(durations.Step(key)), new List<string>(before.Item2) { key });
            memo[key] = result;
            return result;
        }

        return graph.Keys.Select(Finish).OrderByDescending(f => f.Minutes).First();
    }
}
