using System.CommandLine;

namespace ConvexInfra.Cli;

/// <summary>
/// One top-level verb of <c>convex-infra</c>. A verb is one class: it builds its System.CommandLine
/// <see cref="Command"/> (options, subcommands, action) around the console it runs with, and is listed once in
/// <see cref="CliApp.Commands"/>.
/// </summary>
public interface ICliCommand
{
    string Name { get; }

    /// <summary>One line for the command list in <c>convex-infra --help</c>.</summary>
    string Summary { get; }

    Command Build(CliConsole console);
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
