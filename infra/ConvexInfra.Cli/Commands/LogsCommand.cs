using System.CommandLine;
using System.Diagnostics;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Core.Logs;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Cli.Commands;

/// <summary>
/// <c>convex-infra logs --stack NAME [--container backend|dashboard|proxy] [--since 1h] [--follow]</c>: runs the AWS
/// CLI v2 (<c>aws logs tail</c>) or the Docker CLI with the arguments Core's <see cref="LogsCommandLine"/> chooses.
/// </summary>
public sealed class LogsCommand : ICliCommand
{
    public string Name => "logs";

    public string Summary => "Show a stack's container logs (CloudWatch on AWS through the AWS CLI, docker logs locally).";

    public Command Build(CliConsole console)
    {
        var stack = CliKit.Text("--stack", "NAME", "the stack (reads Pulumi.NAME.yaml; required)");
        var container = CliKit.Text("--container", "NAME", "backend (default), dashboard or proxy (Caddy)");
        var since = CliKit.Text("--since", "DURATION", "how far back: 30m, 1h (default), 24h");
        var follow = CliKit.Flag("--follow", "keep printing new lines until interrupted");
        var rootDir = CliKit.Text("--root", "DIR", "the repository root holding Pulumi.yaml (default: search upwards from here)");
        var command = CliKit.Verb(Name, Summary, """
            Reads Pulumi.NAME.yaml for the target, then shows the container's logs:
              aws-ec2, aws-ecs  aws logs tail on the stack's log group and the container's streams (AWS CLI v2, with
                                your usual credentials and the stack's region)
              local             docker logs on the stack's container (there is no proxy container locally)

            Exit codes: 0 the tool succeeded, 1 it failed or is missing, 2 usage error.

            Example: convex-infra logs --stack prod --container backend --since 2h --follow
            """, stack, container, since, follow, rootDir);
        CliKit.Run(command, console, (result, cancellationToken) => RunAsync(
            console,
            CliKit.Required(result, stack, "prod"),
            result.GetValue(container) ?? "backend",
            result.GetValue(since) ?? LogsCommandLine.DefaultSince,
            result.GetValue(follow),
            result.GetValue(rootDir),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliConsole console, string stack, string containerName, string since, bool follow, string? rootOption, CancellationToken cancellationToken)
    {
        if (!LogsCommandLine.Containers.TryGetValue(containerName, out var container))
        {
            throw new UsageException($"--container: got '{containerName}'; expected one of {string.Join(", ", LogsCommandLine.Containers.Keys)}");
        }

        var spec = await ReadSpecAsync(stack, rootOption, console);
        if (spec is null)
        {
            return ExitCodes.Failed;
        }

        ToolInvocation invocation;
        try
        {
            invocation = LogsCommandLine.For(spec, container, since, follow);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var program = StackOutputsInput.FindOnPath(console, invocation.Program);
        if (program is null)
        {
            await console.Error.WriteLineAsync(invocation.Program == "aws"
                ? "convex-infra logs: the AWS CLI v2 ('aws') is not on PATH; install it (docs.aws.amazon.com/cli) and sign in"
                : "convex-infra logs: the Docker CLI ('docker') is not on PATH");
            return ExitCodes.Failed;
        }

        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = console.WorkingDirectory };
        start.Environment["PATH"] = console.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var argument in invocation.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var copyOut = Copy(process.StandardOutput, console.Out, cancellationToken);
        var copyError = Copy(process.StandardError, console.Error, cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(copyOut, copyError);
        return process.ExitCode == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task Copy(StreamReader from, TextWriter to, CancellationToken cancellationToken)
    {
        while (await from.ReadLineAsync(cancellationToken) is { } line)
        {
            await to.WriteLineAsync(line);
        }
    }

    private static async Task<DeploymentSpec?> ReadSpecAsync(string stack, string? rootOption, CliConsole console)
    {
        var root = rootOption is null ? FindRoot(console.WorkingDirectory) : Path.GetFullPath(rootOption, console.WorkingDirectory);
        var stackFile = root is null ? null : Path.Combine(root, $"Pulumi.{stack}.yaml");
        if (stackFile is null || !File.Exists(stackFile))
        {
            throw new UsageException($"--stack {stack}: no Pulumi.{stack}.yaml found {(rootOption is null ? "here or in any parent folder" : $"in {rootOption}")}; run from the repository or pass --root DIR");
        }

        var file = StackFile.TryLoad(stackFile);
        var result = file.Config is null ? null : SettingsReader.Read(file.Config);
        if (result?.Spec is { } spec)
        {
            return spec;
        }

        await console.Error.WriteLineAsync($"Pulumi.{stack}.yaml has problems; run 'convex-infra plan --stack {stack}' to see them");
        return null;
    }

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pulumi.yaml")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
