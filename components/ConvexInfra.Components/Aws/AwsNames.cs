using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Components.Aws;

/// <summary>Logical names that AWS also uses when Pulumi auto-names resources (RDS identifiers, parameter groups).</summary>
public static class AwsNames
{
    /// <summary>
    /// The deployment component's name: <c>{stack}-{instance}</c> limited to lowercase letters, digits and single
    /// hyphens, starting with a letter, because RDS identifiers and parameter group names derive from it.
    /// </summary>
    public static string RootName(DeploymentSpec spec) => ResourceNames.RootName(spec);
}
