using System.CommandLine;
using ConvexInfra.Cli;

namespace ConvexInfra.Cli.Tests;

/// <summary>Runs the real CLI in-process with captured streams, a fake environment and a working directory.</summary>
public static class CliRunner
{
    /// <summary>Help is wrapped at this width in tests, so help text is the same on every machine.</summary>
    public const int HelpWidth = 110;

    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunAsync(
        IEnumerable<string> args,
        string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(stdin ?? string.Empty);
        var env = environment ?? new Dictionary<string, string>();
        var console = new CliConsole(input, output, error, name => env.TryGetValue(name, out var v) ? v : null, workingDirectory ?? Directory.GetCurrentDirectory());
        var code = await CliApp.RunAsync(args.ToList(), console, HelpWidth);
        return new Result(code, AsInstalled(output.ToString()), AsInstalled(error.ToString()));
    }

    /// <summary>
    /// System.CommandLine names the root command after the running executable: 'convex-infra' when installed, the test
    /// host here. Help is compared as users see it.
    /// </summary>
    public static string AsInstalled(string text) =>
        RootCommand.ExecutableName == "convex-infra" ? text : text.Replace(RootCommand.ExecutableName + " ", "convex-infra ", StringComparison.Ordinal);
}
