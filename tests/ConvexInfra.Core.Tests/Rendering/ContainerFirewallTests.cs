using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>
/// The container firewall on the host sandbox (<see cref="FakeHost"/>, fake iptables with a real rule table): the IMDS
/// block is in DOCKER-USER, in order, before the first container starts, and running it again changes nothing.
/// </summary>
public class ContainerFirewallTests
{
    private const string Chain = "DOCKER-USER";
    private const string DockerReturn = "-j RETURN";

    private static readonly string PostgresUrlValue =
        PostgresUrl.Build("convex", TestSpecs.FakeDbPassword, "acme.c9akciq32xyz.eu-west-1.rds.amazonaws.com", 5432);

    private static readonly string[] ExpectedRules =
    [
        "-s 172.29.2.10/32 -d 169.254.169.254/32 -m comment --comment convex-imds-backend -j RETURN",
        "-d 169.254.169.254/32 -m comment --comment convex-imds-others -j DROP",
        "-s 172.29.3.0/24 -d 172.29.2.0/24 -m comment --comment convex-dashboard-to-backend -j DROP",
    ];

    [Fact]
    public void Rules_let_only_the_backend_address_reach_imds_and_name_the_compose_subnets()
    {
        Assert.Equal(ExpectedRules, ContainerNetworks.FirewallRules);
        Assert.Equal("172.29.2.0/24", ContainerNetworks.Get(ContainerNetworks.Backend).Subnet);
        Assert.True(Core.Aws.Ipv4Cidr.Parse(ContainerNetworks.Get(ContainerNetworks.Backend).Subnet)
            .Contains(Core.Aws.Ipv4Cidr.Parse(ContainerNetworks.BackendAddress + "/32")), "the backend address lies in the backend subnet");
    }

    [Fact]
    public void Fresh_host_installs_the_rules_before_the_first_container_starts()
    {
        using var host = new FakeHost(TestSpecs.Ec2Prod, TestSpecs.RequireAws(TestSpecs.Ec2Prod), toolingInstalled: false);
        host.Publish(TestSpecs.Ec2Prod, TestSpecs.FakeInstanceSecret, PostgresUrlValue);

        var result = host.RunBootstrap();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(ExpectedRules, host.ChainRules(Chain));
        var calls = host.Calls.ToList();
        var lastInsert = calls.FindLastIndex(c => c.StartsWith($"iptables -w -I {Chain} ", StringComparison.Ordinal));
        var firstUp = calls.FindIndex(c => c.StartsWith("docker-compose ", StringComparison.Ordinal) && c.Contains(" up ", StringComparison.Ordinal));
        var dockerStart = calls.IndexOf("systemctl enable --now docker");
        Assert.True(lastInsert >= 0 && firstUp > lastInsert, string.Join('\n', calls));
        Assert.True(dockerStart > lastInsert, "the rules go in before Docker (re)starts containers");
        Assert.Contains($"systemctl enable {ContainerFirewall.UnitName}", calls);
        Assert.Equal([1, 2, 3], calls.Where(c => c.StartsWith($"iptables -w -I {Chain} ", StringComparison.Ordinal))
            .Select(c => int.Parse(c.Split(' ')[4], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Upgrade_from_the_single_bridge_layout_installs_the_rules_before_the_containers_move()
    {
        // A host of the previous layout: a release applied, older tooling (no firewall), no rules of ours.
        using var host = new FakeHost(TestSpecs.Ec2Prod, TestSpecs.RequireAws(TestSpecs.Ec2Prod));
        host.Publish(TestSpecs.Ec2Prod, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        Assert.Equal(0, host.RunRelease().ExitCode);
        host.SetChain(Chain, DockerReturn);
        File.WriteAllText(Path.Combine(host.Root, "var/lib/convex/tooling.sha256"), "0000 tooling of the previous layout\n");
        var before = host.Calls.Count;

        var upgrade = host.Publish(TestSpecs.Ec2Prod with { ImageRevision = TestSpecs.OtherRevision }, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        var result = host.RunRelease();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(upgrade.Sha256, host.AppliedHash);
        Assert.Equal([.. ExpectedRules, DockerReturn], host.ChainRules(Chain));
        var calls = host.Calls.Skip(before).ToList();
        var lastInsert = calls.FindLastIndex(c => c.StartsWith($"iptables -w -I {Chain} ", StringComparison.Ordinal));
        var firstUp = calls.FindIndex(c => c.StartsWith("docker-compose ", StringComparison.Ordinal) && c.Contains(" up ", StringComparison.Ordinal));
        Assert.True(lastInsert >= 0 && firstUp > lastInsert, string.Join('\n', calls));
        Assert.Contains("172.29.2.10", host.ReadConfig(HostLayout.ComposeFileName), StringComparison.Ordinal);
    }

    [Fact]
    public void Second_run_changes_nothing()
    {
        using var host = new FakeHost(TestSpecs.Ec2Dev, TestSpecs.RequireAws(TestSpecs.Ec2Dev));
        Assert.Equal(0, host.RunContainerFirewall().ExitCode);
        var before = host.Calls.Count;

        var again = host.RunContainerFirewall();

        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(ExpectedRules, host.ChainRules(Chain));
        var secondRun = host.Calls.Skip(before).ToList();
        Assert.DoesNotContain(secondRun, c => c.Contains(" -I ", StringComparison.Ordinal) || c.Contains(" -D ", StringComparison.Ordinal));
        Assert.Contains("already in place", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_go_above_docker_and_operator_rules_and_stale_copies_of_ours_are_removed()
    {
        using var host = new FakeHost(TestSpecs.Ec2Dev, TestSpecs.RequireAws(TestSpecs.Ec2Dev));
        // After a Docker restart (its RETURN at the end) and an older, partial copy of ours below an operator's rule.
        host.SetChain(Chain, "-s 192.0.2.0/24 -j DROP", ExpectedRules[1], DockerReturn);

        var result = host.RunContainerFirewall();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal([.. ExpectedRules, "-s 192.0.2.0/24 -j DROP", DockerReturn], host.ChainRules(Chain));
    }

    [Fact]
    public void The_script_creates_the_chain_when_it_runs_before_docker()
    {
        using var host = new FakeHost(TestSpecs.Ec2Dev, TestSpecs.RequireAws(TestSpecs.Ec2Dev));
        Assert.Null(host.ChainRules(Chain));

        var result = host.RunContainerFirewall();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"iptables -w -N {Chain}", host.Calls);
        Assert.Equal(ExpectedRules, host.ChainRules(Chain));
    }

    [Fact]
    public void Boot_unit_runs_before_docker_which_requires_it()
    {
        var unit = ContainerFirewall.Unit();

        Assert.Equal("/etc/systemd/system/convex-container-firewall.service", unit.Path);
        Assert.Contains("Before=docker.service", unit.Content, StringComparison.Ordinal);
        Assert.Contains("RequiredBy=docker.service", unit.Content, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/local/sbin/convex-container-firewall\n", unit.Content, StringComparison.Ordinal);
        Assert.Contains(HostTooling.Files(TestSpecs.Ec2Dev), f => f.Path == unit.Path);
        Assert.Contains(HostTooling.Files(TestSpecs.Ec2Dev), f => f.Path == HostLayout.ContainerFirewallScriptPath && f.Permissions == "0755");
    }

    [Fact]
    public void A_vpc_overlapping_the_container_networks_is_refused()
    {
        var spec = TestSpecs.Ec2Dev with { Network = TestSpecs.Ec2Dev.Network with { VpcCidr = "172.29.0.0/16" } };

        var error = Assert.Throws<ArgumentException>(() => ComposeFile.Render(spec, TestSpecs.RequireAws(TestSpecs.Ec2Dev)));

        Assert.Contains("convex-infra:vpcCidr", error.Message, StringComparison.Ordinal);
        Assert.Contains("Example:", error.Message, StringComparison.Ordinal);
    }
}

