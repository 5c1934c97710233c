using System.CommandLine;

namespace ConvexInfra.Cli;

/// <summary>Small helpers so every verb declares its options and action the same way.</summary>
public static class CliKit
{
    /// <summary>An option with a value, shown in help as <c>--name &lt;HELPNAME&gt;</c>.</summary>
    public static Option<string> Text(string name, string helpName, string description) =>
        new(name) { HelpName = helpName, Description = description };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <param name="summary">One line: the command lists show it, and help starts with it.</param>
    /// <param name="details">Printed after the options in the command's own help: what it does, exit codes, examples.</param>
    public static Command Verb(string name, string summary, string details, params Option[] options)
    {
        var command = new DetailedCommand(name, summary, details.TrimEnd());
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        return command;
    }

    /// <summary>
    /// Sets the action: a <see cref="UsageException"/> becomes "convex-infra VERB: message" on stderr and exit code 2;
    /// anything the action prints goes to the console's streams.
    /// </summary>
    public static void Run(Command command, CliConsole console, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(console);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                return await action(result, cancellationToken);
            }
            catch (UsageException e)
            {
                await console.Error.WriteLineAsync($"convex-infra {CommandPath(result)}: {e.Message}");
                return ExitCodes.Usage;
            }
        });
    }

    /// <summary>The value of a required option; a usage error naming it and an example when absent.</summary>
    public static string Required(ParseResult result, Option<string> option, string example) =>
        result.GetValue(option) ?? throw new UsageException($"{option.Name} is required, e.g. {option.Name} {example}");

    /// <summary>"admin-key generate" for <c>convex-infra admin-key generate …</c>; empty for the root.</summary>
    public static string CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (var command = result.CommandResult; command.Parent is System.CommandLine.Parsing.CommandResult parent; command = parent)
        {
            names.Insert(0, command.Command.Name);
        }

        return string.Join(' ', names);
    }
}

/// <summary>A command whose help ends with a hand-written section (exit codes, examples) after the library's options.</summary>
internal sealed class DetailedCommand(string name, string summary, string details) : Command(name, summary)
{
    public string Details { get; } = details;
}
