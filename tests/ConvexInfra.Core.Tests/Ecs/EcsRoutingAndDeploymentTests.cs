using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Fixtures;

namespace ConvexInfra.Core.Tests.Ecs;

public sealed class EcsRoutingAndDeploymentTests
{
    [Fact]
    public void Deployment_settings_never_run_two_backends()
    {
        // ECS runs at most floor(desired × max% / 100) tasks during a deployment and keeps at least ceil(desired × min% / 100).
        Assert.Equal(1, EcsDeploymentSettings.DesiredCount);
        Assert.Equal(1, EcsDeploymentSettings.DesiredCount * EcsDeploymentSettings.MaximumPercent / 100);
        Assert.Equal(0, EcsDeploymentSettings.MinimumHealthyPercent);
        Assert.InRange(EcsDeploymentSettings.StopTimeoutSeconds, 2, 120);
        Assert.True(EcsDeploymentSettings.HealthCheckGracePeriodSeconds >= EcsDeploymentSettings.HealthCheckStartPeriodSeconds);
        Assert.Equal(600, EcsDeploymentSettings.LoadBalancerIdleTimeoutSeconds(BackendKnobValues.Upstream.HttpServerTimeoutSeconds));
    }

    [Fact]
    public void Each_hostname_goes_to_its_port_and_the_site_to_the_tasks_caddy()
    {
        var spec = TestSpecs.EcsStaging;
        var plan = AlbRoutingPlan.For(spec);

        string TargetOf(string host) => plan.Rules.Single(r => r.Hostname == host).TargetName;
        Assert.Equal(3210, plan.Target(TargetOf("api.staging.convex.example.com")).ContainerPort);
        Assert.Equal(3212, plan.Target(TargetOf("site.staging.convex.example.com")).ContainerPort);
        Assert.Equal("proxy", plan.Target(AlbRoutingPlan.SiteTarget).ContainerName);
        Assert.Equal(6791, plan.Target(TargetOf("dashboard.staging.convex.example.com")).ContainerPort);
        Assert.Equal("dashboard", plan.Target(AlbRoutingPlan.DashboardTarget).ContainerName);
        Assert.All(plan.Rules, r => Assert.Empty(r.SourceCidrs));
    }

    [Fact]
    public void Backend_targets_check_version_the_site_through_caddys_health_port()
    {
        var plan = AlbRoutingPlan.For(TestSpecs.EcsStaging);

        Assert.Equal(3210, plan.Target(AlbRoutingPlan.ApiTarget).HealthCheckPort);
        Assert.Equal(3213, plan.Target(AlbRoutingPlan.SiteTarget).HealthCheckPort);
        Assert.All(new[] { AlbRoutingPlan.ApiTarget, AlbRoutingPlan.SiteTarget }, name => Assert.Equal("/version", plan.Target(name).HealthCheckPath));
        Assert.DoesNotContain(plan.Targets, t => t.ContainerPort == 3211);
    }

    [Fact]
    public void Dashboard_networks_are_split_into_rules_within_the_alb_condition_limit()
    {
        var cidrs = Enumerable.Range(1, 9).Select(i => $"198.51.{i}.0/24").ToList();
        var spec = TestSpecs.EcsStaging with { Network = TestSpecs.EcsStaging.Network with { DashboardAllowedCidrs = cidrs } };

        var plan = AlbRoutingPlan.For(spec);

        var dashboardRules = plan.Rules.Where(r => r.TargetName == AlbRoutingPlan.DashboardTarget).ToList();
        Assert.Equal([4, 4, 1], dashboardRules.Select(r => r.SourceCidrs.Count));
        Assert.Equal(cidrs, dashboardRules.SelectMany(r => r.SourceCidrs));
        Assert.All(dashboardRules, r => Assert.True(1 + r.SourceCidrs.Count <= 5));
        Assert.Equal(plan.Rules.Count, plan.Rules.Select(r => r.Priority).Distinct().Count());
        Assert.All(plan.Rules.Where(r => r.TargetName != AlbRoutingPlan.DashboardTarget), r => Assert.Empty(r.SourceCidrs));
    }

    [Fact]
    public void Routing_refuses_other_targets_and_shared_hostnames()
    {
        var ec2 = Assert.Throws<ArgumentException>(() => AlbRoutingPlan.For(TestSpecs.Ec2Dev));
        Assert.Contains("aws-ec2", ec2.Message, StringComparison.Ordinal);

        var spec = TestSpecs.EcsStaging;
        var same = spec with { Endpoints = spec.Endpoints with { SiteHostname = spec.Endpoints.ApiHostname.ToUpperInvariant() } };
        var shared = Assert.Throws<ArgumentException>(() => AlbRoutingPlan.For(same));
        Assert.Contains("distinct", shared.Message, StringComparison.Ordinal);
    }
}
