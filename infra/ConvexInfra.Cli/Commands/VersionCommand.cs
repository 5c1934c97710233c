using System.Reflection;

namespace ConvexInfra.Cli.Commands;

public sealed class VersionCommand : ICliCommand
{
    public string Name => "version";

    public string Summary => "Print the version of convex-infra.";

    public string Help => """
        Usage: convex-infra version

        Prints the version of this tool.

        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        new ArgReader(args).EnsureAllConsumed();
        var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        await console.Out.WriteLineAsync($"convex-infra {version}");
        return ExitCodes.Ok;
    }
}
