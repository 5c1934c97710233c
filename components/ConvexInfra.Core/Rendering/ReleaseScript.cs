namespace ConvexInfra.Core.Rendering;

/// <summary>
/// <c>convex-release</c>, run every minute and at boot by systemd on the EC2 host. It is the same text for every
/// stack (stack values come from host.env and the release JSON), so tests run this exact script. It arrives with
/// the host tooling (<see cref="HostTooling"/>), never through user data. The script lives next to this class as
/// <c>convex-release.sh</c> (an embedded resource, so shellcheck and editors see a plain bash file).
/// <c>CONVEX_ROOT</c> moves every file it touches below another directory and <c>CONVEX_HEALTH_POLL_SECONDS</c>
/// changes the /version polling interval (tests only).
/// </summary>
public static class ReleaseScript
{
    /// <summary>Seconds between two /version probes while a new backend starts.</summary>
    public const int HealthPollSeconds = 1;

    private const string ResourceName = "ConvexInfra.Core.Rendering.convex-release.sh";

    /// <summary>convex-release.sh as written (LF line endings); the host gets <see cref="HostTooling.Compact"/> of it.</summary>
    public static string Text { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(ReleaseScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        // A checkout with CRLF line endings must not reach the host: bash reads '\r' as part of each command.
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
