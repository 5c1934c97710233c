using System.Text.RegularExpressions;
using ConvexInfra.Components.Tests.Support;

namespace ConvexInfra.Components.Tests.Provider;

/// <summary>
/// provider/PulumiPlugin.yaml's <c>requiredPulumiVersion</c>: a range the CLI can enforce. The CLI reads the key from
/// v3.221.0 on (pulumi/pulumi #21807, renamed from <c>pulumiVersionRange</c>; pkg/resource/plugin/plugin.go), so a
/// lower bound below that would promise a check no CLI makes; the bound names the CLI that bundles the .NET language
/// host v3.112.1, whose plugin start the protocol test reproduces (ProviderProcess).
/// </summary>
public sealed partial class PluginManifestTests
{
    [Fact]
    public void The_required_cli_range_is_enforceable_and_bounded_below_the_next_major()
    {
        var manifest = File.ReadAllText(RepoRoot.File("provider", "PulumiPlugin.yaml"));
        var range = Range().Match(manifest);

        Assert.True(range.Success, "provider/PulumiPlugin.yaml must set requiredPulumiVersion: \">=X.Y.Z <4.0.0\"");
        var lower = Version.Parse(range.Groups[1].Value);
        Assert.True(lower >= new Version(3, 221, 0), $"{lower}: CLIs before 3.221.0 do not read requiredPulumiVersion");
        Assert.Equal(new Version(3, 258, 0), lower);
        Assert.DoesNotContain("pulumiVersionRange:", manifest, StringComparison.Ordinal);
    }

    [GeneratedRegex("""(?m)^requiredPulumiVersion: ">=(\d+\.\d+\.\d+) <4\.0\.0"$""")]
    private static partial Regex Range();
}
