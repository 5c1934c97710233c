namespace ConvexInfra.Cli;

/// <summary>The streams and environment a command sees; tests pass their own.</summary>
public sealed record CliConsole(
    TextReader In,
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> GetEnvironmentVariable,
    string WorkingDirectory)
{
    public static CliConsole System() => new(
        Console.In,
        Console.Out,
        Console.Error,
        Environment.GetEnvironmentVariable,
        Directory.GetCurrentDirectory());
}
