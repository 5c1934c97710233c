using ConvexInfra.Core.Cost;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>
/// <paramref name="Count"/> resources of one Pulumi <paramref name="Type"/> that the component <paramref name="Group"/>
/// registers, in words an operator reads before paying for them.
/// </summary>
public sealed record PlannedResource(string Group, string Type, int Count, string Description);

/// <summary>What a stack will create, what it costs, how long a cold deploy takes and every text artifact it renders, computed offline.</summary>
public sealed record StackPlan(
    DeploymentSpec Spec,
    IReadOnlyList<PlannedResource> Resources,
    IReadOnlyList<RenderedFile> Artifacts,
    CostEstimate Cost,
    DeployTimeEstimate DeployTime)
{
    /// <summary>The folder of the role policy documents, one per registered inline policy.</summary>
    public const string RolePolicyFolder = AwsPlanArtifacts.RolePolicyFolder;

    /// <summary>The folder and suffix of the ECS container definitions, one per registered task definition.</summary>
    public const string ContainersFolder = AwsPlanArtifacts.ContainersFolder;

    /// <summary>The policy of the stack's KMS key (AWS targets).</summary>
    public const string StackKeyPolicyPath = AwsPlanArtifacts.StackKeyPolicyPath;

    public const string ContainersSuffix = AwsPlanArtifacts.ContainersSuffix;

    public int ResourceCount => Resources.Sum(r => r.Count);
}
