using ConvexInfra.Cli.Commands;

namespace ConvexInfra.Cli;

/// <summary>Dispatches <c>convex-infra VERB …</c> to its command and turns usage errors into exit code 2.</summary>
public static class CliApp
{
    /// <summary>Every verb, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<ICliCommand> Commands { get; } =
    [
        new PlanCommand(),
        new VersionCommand(),
        new AdminKeyCommand(),
        new EnvCommand(),
        new VerifyCommand(),
        new DeploymentEnvCommand(),
        new LogsCommand(),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken = default)
    {
        if (args.Count == 0 || args[0] is "--help" or "-h" or "help")
        {
            await console.Out.WriteAsync(Usage());
            return args.Count == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }

        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            await console.Error.WriteLineAsync($"convex-infra: unknown command '{args[0]}'. Commands: {string.Join(", ", Commands.Select(c => c.Name))}. Run 'convex-infra --help'.");
            return ExitCodes.Usage;
        }

        var rest = args.Skip(1).ToList();
        if (rest.Count > 0 && rest[^1] is "--help" or "-h" && !command.Help.Contains("SUBCOMMAND", StringComparison.Ordinal))
        {
            await console.Out.WriteAsync(command.Help);
            return ExitCodes.Ok;
        }

        try
        {
            return await command.RunAsync(rest, console, cancellationToken);
        }
        catch (UsageException e)
        {
            await console.Error.WriteLineAsync($"convex-infra {command.Name}: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    public static string Usage()
    {
        var width = Commands.Max(c => c.Name.Length) + 2;
        var lines = Commands.Select(c => $"  {c.Name.PadRight(width)}{c.Summary}");
        return $"""
            convex-infra: plan, keys, env files and live checks for self-hosted Convex stacks.

            Usage: convex-infra COMMAND [options]

            Commands:
            {string.Join(System.Environment.NewLine, lines)}

            Run 'convex-infra COMMAND --help' for a command's options.

            """;
    }
}
