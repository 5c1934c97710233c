using System.CommandLine;
using System.Diagnostics;
using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Cli.Outputs;

/// <summary>Bad input that is not a usage mistake (a missing file, invalid outputs): exit code 1.</summary>
public sealed class InputException(string message) : Exception(message);

/// <summary>
/// Where <c>env</c> and <c>verify</c> get the stack outputs: <c>--from FILE</c>, <c>--from -</c> (standard
/// input) or <c>--stack NAME</c> (runs <c>pulumi stack output --json --show-secrets</c> when pulumi is on PATH).
/// </summary>
public sealed record StackOutputsInput(string? From, string? Stack)
{
    private static readonly TimeSpan PulumiTimeout = TimeSpan.FromMinutes(2);

    public bool Given => From is not null || Stack is not null;

    /// <summary>Reads and parses the outputs; <see cref="InputException"/> or <see cref="StackOutputsException"/> on bad input.</summary>
    public async Task<StackOutputs> LoadAsync(CliConsole console, CancellationToken cancellationToken) =>
        StackOutputsParser.Parse(await LoadJsonAsync(console, cancellationToken));

    /// <summary>The outputs' JSON as given (a file, stdin or pulumi), for readers of outputs beyond <see cref="StackOutputs"/>.</summary>
    public async Task<string> LoadJsonAsync(CliConsole console, CancellationToken cancellationToken)
    {
        return From switch
        {
            "-" => await console.In.ReadToEndAsync(cancellationToken),
            { } path => await ReadFileAsync(Path.GetFullPath(path, console.WorkingDirectory), path, cancellationToken),
            null when Stack is not null => await RunPulumiAsync(console, Stack, cancellationToken),
            _ => throw new UsageException("the stack outputs are required: --from FILE, --from - (stdin) or --stack NAME"),
        };
    }

    private static async Task<string> ReadFileAsync(string fullPath, string given, CancellationToken cancellationToken)
    {
        if (!File.Exists(fullPath))
        {
            throw new InputException($"--from: file '{given}' does not exist; create it with: pulumi stack output --json --show-secrets > {given}");
        }

        return await File.ReadAllTextAsync(fullPath, cancellationToken);
    }

    private static async Task<string> RunPulumiAsync(CliConsole console, string stack, CancellationToken cancellationToken)
    {
        var pulumi = FindOnPath(console, "pulumi")
            ?? throw new InputException(
                $"--stack {stack}: the pulumi CLI is not on PATH. Install it (https://www.pulumi.com/docs/install/) or export the outputs elsewhere " +
                $"and pass them with --from: pulumi stack output --json --show-secrets --stack {stack} > outputs.json");

        var start = new ProcessStartInfo(pulumi)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = console.WorkingDirectory,
        };
        foreach (var arg in new[] { "stack", "output", "--json", "--show-secrets", "--non-interactive", "--stack", stack })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InputException($"--stack {stack}: could not start {pulumi}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PulumiTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new InputException($"--stack {stack}: pulumi did not answer within {PulumiTimeout.TotalSeconds:0} s");
        }

        if (process.ExitCode != 0)
        {
            var message = (await error).Trim();
            throw new InputException(
                $"--stack {stack}: 'pulumi stack output' failed with exit code {process.ExitCode}: {LastLines(message, 5)}. " +
                "Run it from the project directory, after 'pulumi login' and with the stack's passphrase or secrets provider available.");
        }

        return await output;
    }

    /// <summary>The first executable named <paramref name="name"/> on the console's PATH.</summary>
    internal static string? FindOnPath(CliConsole console, string name)
    {
        var path = console.GetEnvironmentVariable("PATH") ?? string.Empty;
        var names = OperatingSystem.IsWindows() ? new[] { name + ".exe", name + ".cmd", name } : new[] { name };
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(n => Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);
    }

    private static string LastLines(string text, int count)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no error output)" : string.Join(" / ", lines.TakeLast(count));
    }
}

/// <summary>The <c>--from</c> and <c>--stack</c> options that every command reading stack outputs shares.</summary>
public sealed class StackOutputsOptions
{
    public Option<string> From { get; } = CliKit.Text("--from", "FILE|-", "read the JSON of 'pulumi stack output --json --show-secrets' from FILE, or '-' for stdin");

    public Option<string> Stack { get; } = CliKit.Text("--stack", "NAME", "run 'pulumi stack output --json --show-secrets --stack NAME' (needs pulumi on PATH)");

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(From);
        command.Options.Add(Stack);
    }

    public StackOutputsInput Read(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var input = new StackOutputsInput(result.GetValue(From), result.GetValue(Stack));
        if (input.From is not null && input.Stack is not null)
        {
            throw new UsageException("give either --from or --stack, not both");
        }

        return input;
    }
}
