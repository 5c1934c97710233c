using System.CommandLine;

namespace ConvexInfra.Cli.Commands;

public sealed class VersionCommand : ICliCommand
{
    public string Name => "version";

    public string Summary => "Print the version of convex-infra.";

    public Command Build(CliConsole console)
    {
        var command = CliKit.Verb(Name, Summary, "Prints the version of this tool, the same line as convex-infra --version.");
        CliKit.Run(command, console, async (_, _) =>
        {
            await console.Out.WriteLineAsync($"convex-infra {CliApp.Version}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
