using System.Globalization;
using System.Text;
using ConvexInfra.Core.AdminKeys;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Local;

namespace ConvexInfra.Core.Backup;

/// <summary>
/// The throwaway local deployment a drill restores into: one backend container of the stack's image revision, SQLite
/// and local storage inside the container's own volume, API and HTTP actions on loopback only, removed with its volume
/// when the drill ends. The instance secret is new for every drill and reaches Docker only through an env file
/// (mode 600, deleted afterwards), never through an argument; the admin key is issued from it here.
/// </summary>
public sealed record DrillSandbox(string ContainerName, string Image, int ApiPort, int SitePort, InstanceSecret Secret)
{
    public const string InstanceName = "convex-drill";

    /// <summary>Label on every drill container, so a leftover of an interrupted drill can be found (docker ps --filter label=…).</summary>
    public const string Label = "convex-infra.drill=true";

    public static DrillSandbox Create(string imageRevision, int apiPort, int sitePort, DateTimeOffset now)
    {
        if (imageRevision is not { Length: 40 } || !imageRevision.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            throw new ArgumentException(
                $"imageRevision: the stack outputs give '{imageRevision}'; the drill runs the stack's own backend revision and needs its 40-character git SHA (stack output imageRevision)",
                nameof(imageRevision));
        }

        var name = $"convex-drill-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture).ToLowerInvariant()}";
        return new DrillSandbox(name, $"ghcr.io/get-convex/convex-backend:{imageRevision}", apiPort, sitePort, InstanceSecret.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(InstanceSecret.ByteLength)));
    }

    public Uri ApiUrl => new($"http://{LocalPlanner.Loopback}:{ApiPort}");

    public Uri SiteUrl => new($"http://{LocalPlanner.Loopback}:{SitePort}");

    public string AdminKey() => AdminKeyIssuer.Issue(InstanceName, Secret);

    /// <summary>The env file's text: the only place the instance secret is written.</summary>
    public string EnvFile()
    {
        var text = new StringBuilder();
        foreach (var entry in new[]
        {
            DockerEnv.Entry(ConvexEnvNames.InstanceName, InstanceName),
            DockerEnv.Entry(ConvexEnvNames.InstanceSecret, Secret.RevealHex()),
            DockerEnv.Entry(ConvexEnvNames.CloudOrigin, ApiUrl.AbsoluteUri.TrimEnd('/')),
            DockerEnv.Entry(ConvexEnvNames.SiteOrigin, SiteUrl.AbsoluteUri.TrimEnd('/')),
            DockerEnv.Entry(ConvexEnvNames.DisableBeacon, "true"),
        })
        {
            text.Append(entry).Append('\n');
        }

        return text.ToString();
    }

    /// <summary><c>docker run</c>: detached, published on loopback only, its data in the image's anonymous volume.</summary>
    public IReadOnlyList<string> Run(string envFilePath) =>
    [
        "run", "--detach", "--name", ContainerName, "--label", Label, "--env-file", envFilePath,
        "--publish", new PortBinding(LocalPlanner.Loopback, ApiPort, LocalPlanner.ApiContainerPort).ToString(),
        "--publish", new PortBinding(LocalPlanner.Loopback, SitePort, LocalPlanner.SiteContainerPort).ToString(),
        Image,
    ];

    /// <summary><c>docker rm --force --volumes</c>: the container and its anonymous data volume go together.</summary>
    public IReadOnlyList<string> Remove() => ["rm", "--force", "--volumes", ContainerName];

    /// <summary>The secret and key must never reach a log through this record.</summary>
    public override string ToString() => $"DrillSandbox({ContainerName}, {Image}, {ApiPort}, {SitePort})";
}
