using System.Collections.Immutable;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Support;

/// <summary>One run of the real program (<see cref="ConvexProgram"/>) under mocks, with everything it registered.</summary>
internal sealed record StackRun(
    DeploymentSpec Spec,
    ImmutableArray<Resource> Resources,
    IDictionary<string, object?> Outputs,
    IReadOnlyList<MockResourceArgs> Registered,
    IReadOnlyList<MockCallArgs> Calls,
    IReadOnlyDictionary<string, string> Ids)
{
    /// <param name="revisionHistory">The stored revision history SSM answers with; null = first deploy.</param>
    /// <param name="gate">Holds some registrations until released (ordering tests); null = none held.</param>
    /// <param name="databasePassword">The database password the mocks generate; null = <see cref="MockValues.DatabasePassword"/>.</param>
    /// <param name="snapshotTags">The tags RDS answers for a snapshot; null = the stack instance's (<see cref="AwsMocks.SnapshotTags"/>).</param>
    public static async Task<StackRun> RunAsync(
        StackConfig config, string? revisionHistory = null, MockGate? gate = null, string? databasePassword = null,
        IReadOnlyDictionary<string, string>? snapshotTags = null)
    {
        var spec = ConvexProgram.ReadSpec(config);
        var mocks = new AwsMocks(spec.Region ?? "eu-west-1", revisionHistory, databasePassword) { SnapshotTags = snapshotTags };
        var engine = gate is null ? mocks.Mock.Object : gate.Around(mocks.Mock.Object);
        var (resources, outputs) = await Deployment.TestAsync(
            engine,
            new TestOptions { ProjectName = config.ProjectName, StackName = config.StackName, IsPreview = false },
            () => ConvexProgram.RunAsync(config));
        return new StackRun(spec, resources, outputs, mocks.Resources.ToList(), mocks.Calls.ToList(), new Dictionary<string, string>(mocks.Ids));
    }

    public IEnumerable<MockResourceArgs> OfType(string type) => Registered.Where(r => r.Type == type);

    public MockResourceArgs Single(string type) => Assert.Single(OfType(type));

    /// <summary>The stack's own KMS key (Secrets), not the backup copy's keys in the copy region.</summary>
    public MockResourceArgs StackKey() =>
        Assert.Single(OfType("aws:kms/key:Key"), k => k.Name!.EndsWith("-secrets-key", StringComparison.Ordinal));

    public string IdOf(MockResourceArgs resource) => Ids[$"{resource.Type}::{resource.Name}"];

    /// <summary>The inline policies of one role, found through the role's name as the policy references it.</summary>
    public IEnumerable<MockResourceArgs> PoliciesOfRole(string roleName) =>
        OfType("aws:iam/rolePolicy:RolePolicy").Where(p => p.Text("role") == roleName);

    /// <summary>
    /// The backend-access policy of the EC2 host's role: instance → instance profile → role → its policies (the others
    /// are the Session Manager policy and the CloudWatch agent's metrics policy).
    /// </summary>
    public MockResourceArgs HostRolePolicy()
    {
        var instance = Single("aws:ec2/instance:Instance");
        var profile = Assert.Single(OfType("aws:iam/instanceProfile:InstanceProfile"), p => IdOf(p) == instance.Text("iamInstanceProfile"));
        var policies = PoliciesOfRole(profile.Text("role")!).ToList();
        Assert.Equal(3, policies.Count);
        return Assert.Single(policies, p => p.Name!.EndsWith("-host-backend-access", StringComparison.Ordinal));
    }

    /// <summary>The ECS service whose load balancer targets include <paramref name="container"/>.</summary>
    public MockResourceArgs ServiceOf(string container) => Assert.Single(
        OfType("aws:ecs/service:Service"),
        s => s.List("loadBalancers").Cast<IReadOnlyDictionary<string, object>>().Any(lb => lb.Text("containerName") == container));

    /// <summary>The backend's ECS service (the one that serves the backend container).</summary>
    public MockResourceArgs BackendService() => ServiceOf(Core.Ecs.EcsContainers.Backend);

    /// <summary>The dashboard's ECS service.</summary>
    public MockResourceArgs DashboardService() => ServiceOf(Core.Ecs.EcsContainers.Dashboard);

    /// <summary>The task definition a service runs, found through the service's reference.</summary>
    public MockResourceArgs TaskDefinitionOf(MockResourceArgs service) => Assert.Single(
        OfType("aws:ecs/taskDefinition:TaskDefinition"),
        t => service.Text("taskDefinition")!.EndsWith($":task-definition/{t.Text("family")}:1", StringComparison.Ordinal));

    /// <summary>The task definition the backend's ECS service runs (not the dashboard's, not the export task's).</summary>
    public MockResourceArgs ServiceTaskDefinition() => TaskDefinitionOf(BackendService());

    /// <summary>The log group a task definition's containers write to (their awslogs-group option).</summary>
    public MockResourceArgs LogGroupOf(MockResourceArgs taskDefinition)
    {
        using var containers = System.Text.Json.JsonDocument.Parse(taskDefinition.Text("containerDefinitions")!);
        var groups = containers.RootElement.EnumerateArray()
            .Select(c => c.GetProperty("logConfiguration").GetProperty("options").GetProperty("awslogs-group").GetString())
            .Distinct()
            .ToList();
        var group = Assert.Single(groups);
        return Assert.Single(OfType("aws:cloudwatch/logGroup:LogGroup"), l => l.Text("name") == group);
    }

    /// <summary>The release parameter of the EC2 host (plain JSON), found by its name.</summary>
    public MockResourceArgs ReleaseParameter() =>
        Assert.Single(OfType("aws:ssm/parameter:Parameter"), p => p.Text("name")?.EndsWith("/release", StringComparison.Ordinal) == true);

    public IEnumerable<MockResourceArgs> AwsResources => Registered.Where(r => r.Type?.StartsWith("aws:", StringComparison.Ordinal) == true);
}
