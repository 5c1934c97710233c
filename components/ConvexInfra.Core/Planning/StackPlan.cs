using ConvexInfra.Core.Cost;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>One thing <c>pulumi up</c> will create, in words an operator reads before paying for it.</summary>
public sealed record PlannedResource(string Group, string Description);

/// <summary>What a stack will create, what it costs and every text artifact it renders, computed offline.</summary>
public sealed record StackPlan(
    DeploymentSpec Spec,
    IReadOnlyList<PlannedResource> Resources,
    IReadOnlyList<RenderedFile> Artifacts,
    CostEstimate Cost);
