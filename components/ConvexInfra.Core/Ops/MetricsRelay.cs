namespace ConvexInfra.Core.Ops;

/// <summary>
/// <c>convex-metrics-relay</c> (convex-metrics-relay.js): a small Node server between the backend's /metrics and the
/// CloudWatch agent that retypes the backend's <c>vmhistogram</c> families as summaries (fact
/// metric-names-and-exposition; a Prometheus parser rejects the whole scrape otherwise). It runs with the Node that the
/// backend image already carries, as its own container: a compose service on the EC2 host, a container of the backend
/// task on ECS. On EC2 the script is a file of the host tooling mounted into the container; on ECS it travels as
/// <c>node -e</c> text (<see cref="EntryPoint"/>), so no file has to exist in the image.
/// </summary>
public static class MetricsRelay
{
    public const string ContainerName = "metrics-relay";

    /// <summary>Where the EC2 host's relay container sees the script (mounted from the host tooling).</summary>
    public const string ContainerScriptPath = "/convex-metrics-relay.js";

    private const string ResourceName = "ConvexInfra.Core.Ops.convex-metrics-relay.js";

    /// <summary>The script, with LF line endings.</summary>
    public static string Script { get; } = Load();

    /// <summary>The container's command: the image's Node runs the script text.</summary>
    public static IReadOnlyList<string> EntryPoint => ["node", "-e", Script];

    /// <summary>The relay's environment: where the backend's /metrics is and where the relay listens.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Environment(string upstreamHostPort, string listenHost) =>
    [
        new("RELAY_UPSTREAM", $"http://{upstreamHostPort}{AppMetrics.MetricsPath}"),
        new("RELAY_HOST", listenHost),
        new("RELAY_PORT", Rendering.HostLayout.MetricsRelayPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    private static string Load()
    {
        using var stream = typeof(MetricsRelay).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
