using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rendering;

/// <summary>One Docker bridge network of the EC2 host's compose project, with a fixed subnet the firewall rules name.</summary>
public sealed record ContainerNetwork(string Name, string Subnet, bool Internal, string Purpose);

/// <summary>
/// The trust zones of the EC2 host. Each container joins only the networks it needs:
/// <list type="bullet">
/// <item><c>proxy</c>: Caddy alone; its ports 80/443 are published here and it reaches Let's Encrypt through it.</item>
/// <item><c>backend</c>: the backend and Caddy. The backend has a fixed address, the only container address the
/// firewall lets reach the instance metadata service (the backend's S3 access uses the instance role).</item>
/// <item><c>dashboard</c>: the dashboard and Caddy, <c>internal</c> (no route off the bridge at all). The dashboard's
/// Next.js server never calls the backend (get-convex/convex-backend at the pinned revision,
/// npm-packages/dashboard-self-hosted/src/pages/_app.tsx:100-131: <c>getInitialProps</c> only reads
/// <c>NEXT_PUBLIC_*</c> variables; the admin-key check and the deployment list are browser fetches,
/// src/lib/checkDeploymentInfo.ts:17 called from _app.tsx:268, src/components/DeploymentList.tsx:39); the browser
/// talks to the backend through the public API hostname.</item>
/// </list>
/// Docker isolates bridge networks from each other, so the dashboard cannot reach the backend's 3210/3211; the
/// <see cref="FirewallRules"/> add the instance metadata block, which Docker does not provide.
/// </summary>
public static class ContainerNetworks
{
    public const string Proxy = "proxy";
    public const string Backend = "backend";
    public const string Dashboard = "dashboard";

    /// <summary>The instance metadata service (IMDSv2, hop limit 2 so that the backend container reaches it).</summary>
    public const string MetadataAddress = "169.254.169.254";

    /// <summary>The chain Docker leaves to its users: evaluated first in FORWARD, never flushed by Docker.</summary>
    public const string FirewallChain = "DOCKER-USER";

    /// <summary>Every rule this project owns carries a comment starting with this, so the script finds its own rules.</summary>
    public const string RuleCommentPrefix = "convex-";

    /// <summary>All three subnets lie in this /16; the stack's VPC must not overlap it.</summary>
    public const string Range = "172.29.0.0/16";

    public static IReadOnlyList<ContainerNetwork> All { get; } =
    [
        new(Proxy, "172.29.1.0/24", false, "Caddy's published ports and its way out (ACME)"),
        new(Backend, "172.29.2.0/24", false, "the backend and Caddy"),
        new(Dashboard, "172.29.3.0/24", true, "the dashboard and Caddy; no way off the bridge"),
    ];

    /// <summary>The backend's fixed address on its network: the one container address allowed to reach IMDS.</summary>
    public const string BackendAddress = "172.29.2.10";

    public static ContainerNetwork Get(string name) => All.Single(n => n.Name == name);

    /// <summary>
    /// The DOCKER-USER rules, in order (first match wins), as <c>iptables -S</c> prints them after <c>-A DOCKER-USER</c>.
    /// The backend may reach IMDS; any other container (our networks, Docker's default bridge, a one-off
    /// <c>docker run</c>) may not; and the dashboard may not reach the backend's network even if Docker's own isolation
    /// were switched off.
    /// </summary>
    public static IReadOnlyList<string> FirewallRules { get; } =
    [
        $"-s {BackendAddress}/32 -d {MetadataAddress}/32 -m comment --comment {RuleCommentPrefix}imds-backend -j RETURN",
        $"-d {MetadataAddress}/32 -m comment --comment {RuleCommentPrefix}imds-others -j DROP",
        $"-s {Get(Dashboard).Subnet} -d {Get(Backend).Subnet} -m comment --comment {RuleCommentPrefix}dashboard-to-backend -j DROP",
    ];

    /// <summary>Refuses a VPC that overlaps the container networks: the backend could not route to the database.</summary>
    public static void RequireNoOverlap(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Ipv4Cidr.TryParse(spec.Network.VpcCidr, out var vpc, out _) && vpc.Overlaps(Ipv4Cidr.Parse(Range)))
        {
            throw new ArgumentException(
                $"convex-infra:vpcCidr: got '{spec.Network.VpcCidr}', which overlaps {Range}, the EC2 host's container networks; "
                + "the backend could not reach addresses of the VPC in that range. Pick a VPC range outside it. Example: 10.0.0.0/16",
                nameof(spec));
        }
    }
}
