using System.Globalization;

namespace ConvexInfra.Core.Spec;

/// <summary>
/// The backend knobs a stack may set under <c>convex-infra:backendTuning</c>, as the backend reads them: environment
/// variables parsed by <c>env_config</c> in crates/common/src/knobs.rs at the pinned revision (each one a fact of
/// Data/convex-facts.json, whose value is the upstream default; a test compares them with <see cref="Knob.UpstreamDefault"/>).
/// </summary>
public sealed record BackendKnobValues(
    int MaxConcurrentQueries,
    int MaxConcurrentMutations,
    int MaxConcurrentV8Actions,
    int MaxConcurrentNodeActions,
    int V8ActionTimeoutSeconds,
    int NodeActionTimeoutSeconds,
    int HttpServerTimeoutSeconds)
{
    /// <summary>What the image runs with when none is set.</summary>
    public static BackendKnobValues Upstream { get; } = new(16, 16, 64, 64, 1800, 600, 300);

    /// <summary>Every knob with its value, in <see cref="BackendKnobs.All"/> order (the backend's environment).</summary>
    public IEnumerable<(BackendKnobs.Knob Knob, int Value)> Entries() => BackendKnobs.All.Select(k => (k, k.Get(this)));
}

/// <summary>The knob table, the tier and size defaults, and the validation of <c>backendTuning</c>.</summary>
public static class BackendKnobs
{
    /// <summary>
    /// One knob: the key under <c>backendTuning</c>, the backend's variable, its fact, the accepted range and what it
    /// costs. <paramref name="UpstreamDefault"/> is the knobs.rs default (compared with the fact's value by a test).
    /// </summary>
    public sealed record Knob(
        string Key, string EnvName, string FactId, int UpstreamDefault, int Min, int Max, string Unit,
        Func<BackendKnobValues, int> Get, Func<BackendKnobValues, int, BackendKnobValues> With);

    public static readonly Knob MaxConcurrentQueries = new("maxConcurrentQueries", "APPLICATION_MAX_CONCURRENT_QUERIES",
        "env-application-max-concurrent-queries", 16, 1, 1024, "queries", v => v.MaxConcurrentQueries, (v, n) => v with { MaxConcurrentQueries = n });

    public static readonly Knob MaxConcurrentMutations = new("maxConcurrentMutations", "APPLICATION_MAX_CONCURRENT_MUTATIONS",
        "env-application-max-concurrent-mutations", 16, 1, 1024, "mutations", v => v.MaxConcurrentMutations, (v, n) => v with { MaxConcurrentMutations = n });

    public static readonly Knob MaxConcurrentV8Actions = new("maxConcurrentV8Actions", "APPLICATION_MAX_CONCURRENT_V8_ACTIONS",
        "env-application-max-concurrent-v8-actions", 64, 1, 1024, "actions", v => v.MaxConcurrentV8Actions, (v, n) => v with { MaxConcurrentV8Actions = n });

    public static readonly Knob MaxConcurrentNodeActions = new("maxConcurrentNodeActions", "APPLICATION_MAX_CONCURRENT_NODE_ACTIONS",
        "env-application-max-concurrent-node-actions", 64, 1, 1024, "actions", v => v.MaxConcurrentNodeActions, (v, n) => v with { MaxConcurrentNodeActions = n });

    public static readonly Knob V8ActionTimeoutSeconds = new("v8ActionTimeoutSeconds", "V8_ACTION_USER_TIMEOUT_SECS",
        "env-v8-action-user-timeout-secs", 1800, 10, 7200, "seconds", v => v.V8ActionTimeoutSeconds, (v, n) => v with { V8ActionTimeoutSeconds = n });

    public static readonly Knob NodeActionTimeoutSeconds = new("nodeActionTimeoutSeconds", "NODE_ACTION_USER_TIMEOUT_SECS",
        "env-node-action-user-timeout-secs", 600, 10, 7200, "seconds", v => v.NodeActionTimeoutSeconds, (v, n) => v with { NodeActionTimeoutSeconds = n });

    /// <summary>At most 1800 s: the ALB's idle timeout is twice it, and an ALB allows at most 4000 s.</summary>
    public static readonly Knob HttpServerTimeoutSeconds = new("httpServerTimeoutSeconds", "HTTP_SERVER_TIMEOUT_SECONDS",
        "env-http-server-timeout-seconds", 300, 30, 1800, "seconds", v => v.HttpServerTimeoutSeconds, (v, n) => v with { HttpServerTimeoutSeconds = n });

    public static IReadOnlyList<Knob> All { get; } =
    [
        MaxConcurrentQueries, MaxConcurrentMutations, MaxConcurrentV8Actions, MaxConcurrentNodeActions,
        V8ActionTimeoutSeconds, NodeActionTimeoutSeconds, HttpServerTimeoutSeconds,
    ];

    /// <summary>
    /// Keys people reach for that are not knobs here, with where the setting lives instead. HTTP actions have no
    /// concurrency knob of their own at the pinned revision: APPLICATION_MAX_CONCURRENT_V8_ACTIONS covers them
    /// (knobs.rs, "This does apply to HTTP actions").
    /// </summary>
    public static IReadOnlyDictionary<string, string> Elsewhere { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["maxConcurrentHttpActions"] = "HTTP actions count against maxConcurrentV8Actions (APPLICATION_MAX_CONCURRENT_V8_ACTIONS); set that instead",
        ["documentRetentionDelaySeconds"] = $"it is its own setting: {SettingKeys.DocumentRetentionDelaySeconds.FullName}",
        ["rustLog"] = $"it is its own setting: {SettingKeys.RustLog.FullName}",
    };

    /// <summary>
    /// The values a stack gets before its own <c>backendTuning</c>: concurrency grows with the memory of the machine the
    /// backend runs on (8 queries and 8 mutations per GiB, at least the upstream 16, at most 128; 16 V8 and 16 Node
    /// actions per GiB, at least the upstream 64, at most 256). A 2 GiB host (dev) keeps the upstream values; the local
    /// target, whose machine is unknown, too. Timeouts keep the upstream values.
    /// </summary>
    public static BackendKnobValues Defaults(DeploymentTarget target, ComputeSpec compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var memoryMiB = target switch
        {
            DeploymentTarget.AwsEcs => compute.FargateMemoryMb,
            DeploymentTarget.AwsEc2 => InstanceMemory.MiB(compute.Ec2InstanceType),
            _ => (int?)null,
        };
        return memoryMiB is { } mib ? ForMemory(mib) : BackendKnobValues.Upstream;
    }

    public static BackendKnobValues ForMemory(int memoryMiB)
    {
        var gib = memoryMiB / 1024;
        var upstream = BackendKnobValues.Upstream;
        return upstream with
        {
            MaxConcurrentQueries = Math.Clamp(8 * gib, upstream.MaxConcurrentQueries, 128),
            MaxConcurrentMutations = Math.Clamp(8 * gib, upstream.MaxConcurrentMutations, 128),
            MaxConcurrentV8Actions = Math.Clamp(16 * gib, upstream.MaxConcurrentV8Actions, 256),
            MaxConcurrentNodeActions = Math.Clamp(16 * gib, upstream.MaxConcurrentNodeActions, 256),
        };
    }

    /// <summary>The knob a misspelt key or a variable name most likely meant, if one is close enough.</summary>
    private static Knob? Closest(string key)
    {
        var byEnv = All.FirstOrDefault(k => k.EnvName == key);
        if (byEnv is not null)
        {
            return byEnv;
        }

        var (knob, distance) = All.Select(k => (k, KeySuggestions.Distance(key.ToLowerInvariant(), k.Key.ToLowerInvariant()))).MinBy(c => c.Item2);
        return distance <= Math.Max(2, key.Length / 3) ? knob : null;
    }

    /// <summary>
    /// <paramref name="defaults"/> with the stack's <c>backendTuning</c> entries applied; every unknown key and bad value
    /// is reported through <paramref name="fail"/> (entry key, what was given, what is expected, an example).
    /// </summary>
    public static BackendKnobValues Apply(BackendKnobValues defaults, IReadOnlyDictionary<string, string> entries, Action<string, string, string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(fail);
        var values = defaults;
        foreach (var (key, text) in entries)
        {
            var knob = All.FirstOrDefault(k => k.Key == key);
            if (knob is null)
            {
                var hint = Elsewhere.TryGetValue(key, out var where)
                    ? where
                    : Closest(key) is { } near
                        ? $"did you mean {near.Key}? ({near.Key} sets {near.EnvName})"
                        : $"one of {string.Join(", ", All.Select(k => k.Key))} (docs/tuning.md)";
                fail(key, "an unknown knob", hint, $"pulumi config set --path '{SettingKeys.BackendTuning.FullName}.{MaxConcurrentQueries.Key}' 32");
                continue;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < knob.Min || number > knob.Max)
            {
                fail(key, $"'{text}'", $"a whole number of {knob.Unit} from {knob.Min} to {knob.Max} ({knob.EnvName}; upstream default {knob.UpstreamDefault})",
                    $"pulumi config set --path '{SettingKeys.BackendTuning.FullName}.{knob.Key}' {Math.Clamp(knob.UpstreamDefault * 2, knob.Min, knob.Max)}");
                continue;
            }

            values = knob.With(values, number);
        }

        return values;
    }
}
