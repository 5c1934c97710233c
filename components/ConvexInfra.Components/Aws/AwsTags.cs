using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;
using Pulumi;

namespace ConvexInfra.Components.Aws;

/// <summary>
/// Tags for one AWS resource: the stack's standard tags plus a readable <c>Name</c>. Set explicitly on every
/// taggable resource (not through provider default tags) so previews and tests show them on the resource itself.
/// </summary>
internal static class AwsTags
{
    public static InputMap<string> For(DeploymentSpec spec, string name)
    {
        var tags = new InputMap<string>();
        foreach (var (key, value) in ResourceNames.StandardTags(spec))
        {
            tags.Add(key, value);
        }

        tags.Add("Name", name);
        return tags;
    }
}
