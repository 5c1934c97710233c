using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rendering;

/// <summary>Every EC2 artifact keyed by a relative path, for <c>convex-infra plan --out DIR</c>.</summary>
public static class Ec2Artifacts
{
    public const string UserDataPath = "ec2/user-data.yaml";
    public const string ReleasePath = "ec2/release.json";
    public const string ToolingPath = "ec2/host-tooling.b64";
    public const string HostRoot = "ec2/host";

    /// <summary>Where part <paramref name="number"/> of the host tooling goes (part 1 at <see cref="ToolingPath"/>).</summary>
    public static string ToolingPartPath(int number) => number == 1 ? ToolingPath : $"ec2/host-tooling-{number}.b64";

    /// <param name="secretVersions">The secret parameters' SSM versions written into the release (see <see cref="HostRelease.Render"/>).</param>
    public static IReadOnlyList<RenderedFile> RenderAll(DeploymentSpec spec, AwsRuntimeValues aws, SecretParameterVersions? secretVersions = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(aws);
        var tooling = HostTooling.Render(spec);
        var release = HostRelease.Render(spec, aws, secretVersions, tooling);
        var files = new List<RenderedFile>
        {
            new(UserDataPath, HostBootstrap.UserData(spec, aws.Region), "0644"),
            new(ReleasePath, release.Json + "\n", "0644"),
        };
        files.AddRange(tooling.Parts.Select(p => new RenderedFile(ToolingPartPath(p.Number), p.ParameterValue + "\n", "0644")));
        files.AddRange(HostBootstrap.Files(spec, aws.Region).Select(f => f with { Path = HostRoot + f.Path }));
        files.AddRange(tooling.Files.Select(f => f with { Path = HostRoot + f.Path }));
        files.AddRange(HostRelease.Files(spec, aws).Select(f => f with { Path = $"{HostRoot}{HostLayout.ConfigDir}/{f.Path}" }));
        return files;
    }
}
