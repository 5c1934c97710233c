using System.Text;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rendering;

/// <summary>
/// The EC2 host's cloud-init user data: a minimal, stable bootstrap (host.env, <c>convex-bootstrap</c> and its unit).
/// It depends only on values fixed for the life of the instance (region and parameter names), never on the image
/// revision, the environment or the host's scripts (those arrive as <see cref="HostTooling"/> with the release), so
/// a release never stops the instance. Pulumi.Aws v7 stores user data in clear text: nothing secret goes in here.
/// </summary>
public static partial class HostBootstrap
{
    public static string UserData(DeploymentSpec spec, string region)
    {
        var text = new StringBuilder("#cloud-config\n");
        text.Append("# convex-infra host bootstrap. Releases arrive through SSM (see convex-release), not through user data.\n");
        text.Append("write_files:\n");
        foreach (var file in Files(spec, region))
        {
            text.Append("  - path: ").Append(YamlText.Quote(file.Path)).Append('\n');
            text.Append("    owner: \"root:root\"\n");
            text.Append("    permissions: ").Append(YamlText.Quote(file.Permissions)).Append('\n');
            text.Append("    content: ").Append(YamlText.LiteralBlock(file.Content, 6));
        }

        text.Append("runcmd:\n");
        text.Append("  - [\"systemctl\", \"daemon-reload\"]\n");
        text.Append("  - [\"systemctl\", \"enable\", \"--now\", \"--no-block\", ").Append(YamlText.Quote(SystemdUnits.BootstrapServiceName)).Append("]\n");
        return text.ToString();
    }

    /// <summary>Every file the user data writes, with absolute host paths.</summary>
    public static IReadOnlyList<RenderedFile> Files(DeploymentSpec spec, string region)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target != DeploymentTarget.AwsEc2)
        {
            throw new ArgumentException($"host bootstrap is for target aws-ec2; stack {spec.StackName} has target {spec.Target.ConfigName()}", nameof(spec));
        }

        if (region is null || !RegionPattern().IsMatch(region))
        {
            throw new ArgumentException($"aws:region: got '{region}'; expected an AWS region name. Example: eu-west-1", nameof(region));
        }

        var parameter = ResourceNames.ReleaseParameter(spec);
        if (!ParameterPattern().IsMatch(parameter))
        {
            throw new ArgumentException(
                $"release parameter: got '{parameter}'; expected an SSM name of letters, digits and . - _ /. Example: /convex-infra/prod/release",
                nameof(spec));
        }

        var hostEnv =
            "# Written once by cloud-init; stable for the life of the instance. Read by convex-release.\n" +
            $"CONVEX_REGION={region}\n" +
            $"CONVEX_RELEASE_PARAMETER={parameter}\n" +
            $"CONVEX_IMAGES_PARAMETER={ResourceNames.HostImagesParameter(spec)}\n" +
            $"CONVEX_RDS_CA_URL={ConvexEnvironment.RdsCaBundleUrl}\n";
        return
        [
            new(HostLayout.HostEnvPath, hostEnv, "0644"),
            new(HostLayout.BootstrapScriptPath, BootstrapScript.Text, "0755"),
            SystemdUnits.Bootstrap(),
        ];
    }

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^/[A-Za-z0-9_.\\-/]+$")]
    private static partial Regex ParameterPattern();
}
