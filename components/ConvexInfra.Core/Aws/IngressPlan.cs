using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Aws;

/// <summary>One inbound rule of the EC2 host's security group.</summary>
public sealed record IngressRulePlan(string Name, int Port, string Cidr, string Description);

/// <summary>
/// What the EC2 host admits: 443 to <c>httpAllowedCidrs</c> (the world when empty), 80 to the world (Let's Encrypt
/// HTTP-01 validation comes from unpublished addresses; Caddy only answers challenges and redirects to HTTPS there),
/// 22 only to <c>sshAllowedCidrs</c> (nothing by default: use Session Manager).
/// </summary>
public static class IngressPlan
{
    public const string WorldIpv4 = "0.0.0.0/0";

    public static IReadOnlyList<IngressRulePlan> For(DeploymentSpec spec)
    {
        var rules = new List<IngressRulePlan>
        {
            new("http", 80, WorldIpv4, "HTTP: ACME challenges and redirect to HTTPS"),
        };

        var httpsSources = spec.Network.HttpAllowedCidrs.Count > 0 ? spec.Network.HttpAllowedCidrs : [WorldIpv4];
        rules.AddRange(httpsSources.Select((cidr, i) => new IngressRulePlan($"https-{i}", 443, cidr, $"HTTPS from {cidr}")));
        rules.AddRange(spec.Network.SshAllowedCidrs.Select((cidr, i) => new IngressRulePlan($"ssh-{i}", 22, cidr, $"SSH from {cidr}")));
        return rules;
    }
}
