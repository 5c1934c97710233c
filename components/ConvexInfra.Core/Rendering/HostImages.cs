using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rendering;

/// <summary>
/// The images of the EC2 host's compose project for the pinned revision, as the plain SSM parameter
/// <see cref="Naming.ResourceNames.HostImagesParameter"/> holds them (space-separated) for convex-bootstrap to pre-pull
/// while the database is created. Image names are not secret; a test compares them with the compose file's.
/// </summary>
public static class HostImages
{
    public static IReadOnlyList<string> For(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return [spec.BackendImage, spec.DashboardImage, HostLayout.CaddyImage];
    }

    public static string ParameterValue(DeploymentSpec spec) => string.Join(' ', For(spec));
}
