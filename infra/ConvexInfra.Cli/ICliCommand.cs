namespace ConvexInfra.Cli;

/// <summary>One top-level verb of <c>convex-infra</c>.</summary>
public interface ICliCommand
{
    string Name { get; }

    /// <summary>One line for the command list in <c>convex-infra --help</c>.</summary>
    string Summary { get; }

    /// <summary>The full help text for <c>convex-infra NAME --help</c>.</summary>
    string Help { get; }

    Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken);
}

/// <summary>Exit codes shared by every command, so CI can tell a bad call from a failed check.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
}

/// <summary>Thrown for a bad command line; the message says what was wrong and how to call it.</summary>
public sealed class UsageException(string message) : Exception(message);
