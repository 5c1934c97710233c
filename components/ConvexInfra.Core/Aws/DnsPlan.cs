using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Aws;

/// <summary>One DNS record to create, without a trailing dot: <c>api.example.com A 203.0.113.10</c>.</summary>
public sealed record DnsRecord(string Name, string Type, string Value)
{
    public override string ToString() => $"{Name} {Type} {Value}";
}

/// <summary>
/// The records that point the three public hostnames at the deployment. With a Route 53 zone the program
/// creates them; without one they are the <c>dnsRecords</c> output the user copies into their DNS provider.
/// </summary>
public static partial class DnsPlan
{
    /// <summary>A records for the api, site and dashboard hostnames, all to the host's Elastic IP.</summary>
    public static IReadOnlyList<DnsRecord> ForHost(DeploymentSpec spec, string publicIp)
    {
        var hostnames = Hostnames(spec);
        if (!IPAddress.TryParse(publicIp, out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || address.ToString() != publicIp)
        {
            throw new ArgumentException(
                $"publicIp: got '{publicIp}'; expected the host's public IPv4 address in dotted form. Example: 203.0.113.10",
                nameof(publicIp));
        }

        return hostnames.Select(name => new DnsRecord(name, "A", publicIp)).ToList();
    }

    /// <summary>
    /// CNAME records for the three hostnames to the load balancer's DNS name. A CNAME cannot sit at a zone apex;
    /// a provider's ALIAS/ANAME record (or a Route 53 alias A record) is the equivalent there.
    /// </summary>
    public static IReadOnlyList<DnsRecord> ForLoadBalancer(DeploymentSpec spec, string albDnsName)
    {
        var hostnames = Hostnames(spec);
        var target = albDnsName?.Trim().TrimEnd('.').ToLowerInvariant() ?? "";
        if (!HostnamePattern().IsMatch(target))
        {
            throw new ArgumentException(
                $"albDnsName: got '{albDnsName}'; expected the load balancer's DNS name. "
                + "Example: convex-prod-123456789.us-east-1.elb.amazonaws.com",
                nameof(albDnsName));
        }

        return hostnames.Select(name => new DnsRecord(name, "CNAME", target)).ToList();
    }

    private static List<string> Hostnames(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Target.IsAws())
        {
            throw new ArgumentException(
                $"target: got '{spec.Target.ConfigName()}'; DNS records exist only for aws-ec2 and aws-ecs stacks "
                + "(the local target serves loopback URLs)",
                nameof(spec));
        }

        var endpoints = spec.Endpoints;
        string[] names = [endpoints.ApiHostname, endpoints.SiteHostname, endpoints.DashboardHostname];
        var normalized = names.Select(name => name.Trim().TrimEnd('.').ToLowerInvariant()).ToList();
        foreach (var name in normalized)
        {
            if (!HostnamePattern().IsMatch(name))
            {
                throw new ArgumentException(
                    $"hostname: got '{name}'; expected a DNS name such as api.convex.example.com", nameof(spec));
            }
        }

        if (normalized.Distinct(StringComparer.Ordinal).Count() != normalized.Count)
        {
            throw new ArgumentException(
                $"hostnames: got {string.Join(", ", normalized)}; the api, site and dashboard hostnames must be distinct",
                nameof(spec));
        }

        return normalized;
    }

    [GeneratedRegex("^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")]
    private static partial Regex HostnamePattern();
}
