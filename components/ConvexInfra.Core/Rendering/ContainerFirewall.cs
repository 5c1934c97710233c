using System.Text;

namespace ConvexInfra.Core.Rendering;

/// <summary>
/// <c>convex-container-firewall</c> (host tooling) and its boot unit: the <see cref="ContainerNetworks.FirewallRules"/>
/// at the top of Docker's <c>DOCKER-USER</c> chain. Docker evaluates that chain first in FORWARD and "will not delete
/// or modify any pre-existing rules from the DOCKER-USER filter chain" (moby libnetwork firewall_linux.go,
/// <c>arrangeUserFilterRule</c>), so rules put there before Docker starts survive its start and restarts. The unit runs
/// before docker.service and docker.service requires it: if the rules cannot be installed, no container starts.
/// </summary>
public static class ContainerFirewall
{
    public const string UnitName = "convex-container-firewall.service";

    private const string ResourceName = "ConvexInfra.Core.Rendering.convex-container-firewall.sh";

    /// <summary>convex-container-firewall.sh with this project's rules filled in; the host gets <see cref="HostTooling.Compact"/> of it.</summary>
    public static string ScriptText { get; } = Render();

    public static RenderedFile Unit()
    {
        var unit = $"""
            [Unit]
            Description=Keep containers other than the Convex backend away from the instance metadata service
            Documentation=file://{HostLayout.ContainerFirewallScriptPath}
            DefaultDependencies=no
            Before=docker.service network-pre.target
            Wants=network-pre.target

            [Service]
            Type=oneshot
            RemainAfterExit=yes
            ExecStart={HostLayout.ContainerFirewallScriptPath}

            [Install]
            WantedBy=multi-user.target
            RequiredBy=docker.service

            """;
        return new($"{HostLayout.SystemdDir}/{UnitName}", unit, "0644");
    }

    private static string Render()
    {
        using var stream = typeof(ContainerFirewall).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        var rules = new StringBuilder();
        foreach (var rule in ContainerNetworks.FirewallRules)
        {
            rules.Append("  \"").Append(rule).Append("\"\n");
        }

        // A checkout with CRLF line endings must not reach the host: bash reads '\r' as part of each command.
        return reader.ReadToEnd().ReplaceLineEndings("\n")
            .Replace("__CHAIN__", ContainerNetworks.FirewallChain, StringComparison.Ordinal)
            .Replace("__COMMENT_PREFIX__", ContainerNetworks.RuleCommentPrefix, StringComparison.Ordinal)
            .Replace("__RULES__\n", rules.ToString(), StringComparison.Ordinal);
    }
}
