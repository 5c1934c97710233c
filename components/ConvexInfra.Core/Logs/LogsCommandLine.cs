using System.Text.RegularExpressions;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Logs;

/// <summary>The containers <c>convex-infra logs --container</c> knows.</summary>
public enum LogContainer
{
    Backend,
    Dashboard,
    Proxy,
}

/// <summary>One program to run, with its arguments (never through a shell).</summary>
public sealed record ToolInvocation(string Program, IReadOnlyList<string> Arguments);

/// <summary>
/// Where each target's container logs are and how to read them: on AWS the AWS CLI v2's <c>aws logs tail</c> on the
/// stack's log group with the container's stream prefix, locally <c>docker logs</c> on the container. The CLI only
/// runs what this returns.
/// </summary>
public static partial class LogsCommandLine
{
    public const string DefaultSince = "1h";

    public const string SinceExpected = "a duration of whole seconds, minutes or hours, e.g. 30m, 1h, 24h";

    public static IReadOnlyDictionary<string, LogContainer> Containers { get; } = new Dictionary<string, LogContainer>(StringComparer.Ordinal)
    {
        ["backend"] = LogContainer.Backend,
        ["dashboard"] = LogContainer.Dashboard,
        ["proxy"] = LogContainer.Proxy,
    };

    /// <summary>The command that shows <paramref name="container"/>'s logs of the last <paramref name="since"/>; follows them when asked.</summary>
    public static ToolInvocation For(DeploymentSpec spec, LogContainer container, string since, bool follow)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!SincePattern().IsMatch(since ?? string.Empty))
        {
            throw new ArgumentException($"--since: got '{since}'; expected {SinceExpected}", nameof(since));
        }

        return spec.Target switch
        {
            DeploymentTarget.AwsEc2 => AwsTail(spec, ResourceNames.HostLogGroup(spec), Ec2Stream(container), since!, follow),
            DeploymentTarget.AwsEcs => AwsTail(spec, EcsContainers.LogGroupName(spec), EcsStreamPrefix(container), since!, follow),
            DeploymentTarget.Local => Docker(spec, container, since!, follow),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Target, "unknown target"),
        };
    }

    /// <summary>EC2: one stream per compose service (the awslogs driver's <c>awslogs-stream</c>).</summary>
    public static string Ec2Stream(LogContainer container) => container switch
    {
        LogContainer.Backend => ComposeFile.LogStreams["backend"],
        LogContainer.Dashboard => ComposeFile.LogStreams["dashboard"],
        LogContainer.Proxy => ComposeFile.LogStreams["caddy"],
        _ => throw new ArgumentOutOfRangeException(nameof(container), container, "unknown container"),
    };

    /// <summary>ECS names a task's streams <c>PREFIX/CONTAINER/TASK-ID</c>; the prefix is the container's name.</summary>
    public static string EcsStreamPrefix(LogContainer container)
    {
        var name = container switch
        {
            LogContainer.Backend => EcsContainers.Backend,
            LogContainer.Dashboard => EcsContainers.Dashboard,
            LogContainer.Proxy => EcsContainers.Proxy,
            _ => throw new ArgumentOutOfRangeException(nameof(container), container, "unknown container"),
        };
        return $"{name}/{name}/";
    }

    private static ToolInvocation AwsTail(DeploymentSpec spec, string group, string streamPrefix, string since, bool follow)
    {
        List<string> arguments = ["logs", "tail", group, "--log-stream-name-prefix", streamPrefix, "--since", since, "--format", "short"];
        if (spec.Region is { } region)
        {
            arguments.AddRange(["--region", region]);
        }

        if (follow)
        {
            arguments.Add("--follow");
        }

        return new ToolInvocation("aws", arguments);
    }

    private static ToolInvocation Docker(DeploymentSpec spec, LogContainer container, string since, bool follow)
    {
        var role = container switch
        {
            LogContainer.Backend => LocalRole.Backend,
            LogContainer.Dashboard => LocalRole.Dashboard,
            _ => throw new ArgumentException(
                $"--container: got '{container.ToString().ToLowerInvariant()}'; target local runs no proxy (its ports are published directly). Use backend or dashboard",
                nameof(container)),
        };
        List<string> arguments = ["logs", "--since", since, "--timestamps"];
        if (follow)
        {
            arguments.Add("--follow");
        }

        arguments.Add(LocalNames.Container(spec, role));
        return new ToolInvocation("docker", arguments);
    }

    [GeneratedRegex("^[1-9][0-9]{0,5}[smh]$")]
    private static partial Regex SincePattern();
}
