using System.Reflection;
using Pulumi;

namespace ConvexInfra.Components.Tests.Support;

/// <summary>
/// Reads the resolved <c>protect</c> option of a registered resource. Mocks never see resource options, so this reads
/// the field the SDK resolves it into (explicit value, else the parent's) on the resource object itself.
/// </summary>
/// <remarks>
/// Reflection on a private field of the pinned SDK: if a new version renames it, the probe throws with a clear message
/// instead of answering.
/// </remarks>
internal static class ResourceOptionsProbe
{
    private static readonly FieldInfo ProtectField = typeof(Resource).GetField("_protect", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("Pulumi.Resource has no '_protect' field any more: update ResourceOptionsProbe for this SDK version.");

    public static bool IsProtected(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        // A bool? in this SDK: null when neither the resource nor a parent set protect, which means "not protected".
        return ProtectField.GetValue(resource) switch
        {
            bool value => value,
            null when ProtectField.FieldType == typeof(bool?) => false,
            var other => throw new InvalidOperationException(
                $"{resource.GetResourceName()}: Pulumi.Resource._protect holds {other}; update ResourceOptionsProbe for this SDK version."),
        };
    }
}
