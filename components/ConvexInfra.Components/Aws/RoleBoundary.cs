using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Spec;
using Iam = Pulumi.Aws.Iam;

namespace ConvexInfra.Components.Aws;

/// <summary>
/// Every role a stack creates carries the stack's permissions boundary (rolePermissionsBoundary), so a role can never
/// hold more than the boundary allows whatever policy is put on it; the CI deploy role may create roles only with it.
/// </summary>
public static class RoleBoundary
{
    /// <summary>Sets <c>PermissionsBoundary</c> when the stack names one; leaves the input unset otherwise.</summary>
    public static Iam.RoleArgs WithBoundary(this Iam.RoleArgs args, DeploymentSpec spec, AwsAccountContext account)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (AwsArns.PermissionsBoundary(spec, account) is { } boundary)
        {
            args.PermissionsBoundary = boundary;
        }

        return args;
    }
}
