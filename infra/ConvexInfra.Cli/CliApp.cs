using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;
using ConvexInfra.Cli.Commands;

namespace ConvexInfra.Cli;

/// <summary>
/// The <c>convex-infra</c> command tree on System.CommandLine: help, <c>--version</c> and the <c>[suggest]</c>
/// directive that <c>dotnet-suggest</c> uses for tab completion come from the library. Parse errors keep this tool's
/// own contract: one line naming the problem on stderr and exit code 2.
/// </summary>
public static class CliApp
{
    public const string Description = "convex-infra: plan, keys, env files, live checks, backups and restores for self-hosted Convex stacks.";

    /// <summary>Every verb, in the order <c>--help</c> lists them. Adding a verb: one class and one line here.</summary>
    public static IReadOnlyList<ICliCommand> Commands { get; } =
    [
        new PlanCommand(),
        new ReleasesCommand(),
        new VersionCommand(),
        new AdminKeyCommand(),
        new EnvCommand(),
        new VerifyCommand(),
        new DeploymentEnvCommand(),
        new BackupCommand(),
        new RestoreCommand(),
        new ResetCommand(),
        new LogsCommand(),
    ];

    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <param name="helpWidth">Wrap help at this width; null for the terminal's width (tests pass a fixed one).</param>
    public static RootCommand BuildRoot(CliConsole console, int? helpWidth = null)
    {
        var root = new RootCommand(Description);
        foreach (var command in Commands)
        {
            root.Subcommands.Add(command.Build(console));
        }

        foreach (var option in root.Options)
        {
            switch (option)
            {
                case HelpOption { Action: HelpAction help } helpOption:
                    if (helpWidth is { } width)
                    {
                        help.MaxWidth = width;
                    }

                    helpOption.Action = new HelpWithDetails(help);
                    break;
                case VersionOption version:
                    version.Action = new PrintVersion();
                    break;
                default:
                    break;
            }
        }

        return root;
    }

    public static Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken = default) =>
        RunAsync(args, console, null, cancellationToken);

    /// <param name="helpWidth">Wrap help at this width; null for the terminal's width (tests pass a fixed one).</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, int? helpWidth, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var root = BuildRoot(console, helpWidth);
        var invocation = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        if (args.Count == 0)
        {
            await root.Parse(["--help"]).InvokeAsync(invocation, cancellationToken);
            return ExitCodes.Usage;
        }

        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is ParseErrorAction)
        {
            return await ReportParseErrorAsync(result, root, invocation, console, cancellationToken);
        }

        return await result.InvokeAsync(invocation, cancellationToken);
    }

    private static async Task<int> ReportParseErrorAsync(ParseResult result, RootCommand root, InvocationConfiguration invocation, CliConsole console, CancellationToken cancellationToken)
    {
        var command = result.CommandResult.Command;
        var path = CliKit.CommandPath(result);
        var prefix = path.Length == 0 ? "convex-infra" : $"convex-infra {path}";
        var unmatched = result.UnmatchedTokens.Count > 0 ? result.UnmatchedTokens[0] : null;
        if (command.Subcommands.Count > 0 && unmatched is null)
        {
            // "admin-key" alone: show what it can do, as a usage error.
            await root.Parse([.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]).InvokeAsync(invocation, cancellationToken);
            return ExitCodes.Usage;
        }

        var names = string.Join(", ", command.Subcommands.Select(c => c.Name));
        var message = command.Subcommands.Count > 0 && unmatched is not null && !unmatched.StartsWith('-')
            ? path.Length == 0
                ? $"unknown command '{unmatched}'. Commands: {names}. Run 'convex-infra --help'."
                : $"unknown subcommand '{unmatched}'; use {names}. Run '{prefix} --help'."
            : $"{string.Join("; ", result.Errors.Select(e => e.Message.TrimEnd('.')))}; see '{prefix} --help'";
        await console.Error.WriteLineAsync($"{prefix}: {message}");
        return ExitCodes.Usage;
    }

    /// <summary>The library's help, then the command's <see cref="DetailedCommand.Details"/>.</summary>
    private sealed class HelpWithDetails(HelpAction help) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var code = help.Invoke(parseResult);
            if (parseResult.CommandResult.Command is DetailedCommand { Details.Length: > 0 } command)
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(command.Details);
                output.WriteLine();
            }

            return code;
        }
    }

    /// <summary><c>--version</c> prints what the <c>version</c> verb prints.</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine($"convex-infra {Version}");
            return ExitCodes.Ok;
        }
    }
}
