using System.Diagnostics;
using ConvexInfra.Cli.Outputs;

namespace ConvexInfra.Cli.Tools;

/// <summary>What another program did: its exit code and what it printed.</summary>
public sealed record ToolResult(int ExitCode, string Out, string Error)
{
    /// <summary>The last few lines of its error output (else its output), for a one-line message.</summary>
    public string Tail(int lines = 5)
    {
        var text = string.IsNullOrWhiteSpace(Error) ? Out : Error;
        var all = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return all.Length == 0 ? "(no output)" : string.Join(" / ", all.TakeLast(lines));
    }
}

/// <summary>
/// Runs the AWS CLI and npx: found on the console's PATH, arguments as a list (no shell), extra variables only in the
/// child's environment, standard input closed, working directory the console's.
/// </summary>
public static class ExternalTool
{
    private static readonly Dictionary<string, string> InstallHints = new(StringComparer.Ordinal)
    {
        ["aws"] = "install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html) and sign in (aws sts get-caller-identity)",
        ["npx"] = "install Node.js 18 or newer (npx comes with npm) and run from the app's folder, where package.json depends on convex",
        ["docker"] = "install Docker (the drill's throwaway deployment is a container), or drill into a dev stack with --into NAME",
    };

    public static async Task<ToolResult> RunAsync(
        CliConsole console, string name, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken,
        string? standardInput = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(args);
        var executable = StackOutputsInput.FindOnPath(console, name)
            ?? throw new InputException($"{name} is not on PATH: {InstallHints.GetValueOrDefault(name, $"install {name}")}");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = console.WorkingDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (console.GetEnvironmentVariable("PATH") is { } path)
        {
            start.Environment["PATH"] = path;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InputException($"could not start {executable}");
        // A value that must not appear in an argument (deployment variables) goes in through standard input.
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ToolResult(process.ExitCode, await output, await error);
    }
}
