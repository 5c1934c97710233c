namespace ConvexInfra.Core.Verify;

/// <summary>
/// The instance name an admin key claims, read the way the backend reads it (keybroker
/// <c>check_admin_key</c>): text before the first '|', minus anything up to a ':' (e.g. <c>prod:</c>).
/// Needs no secret, so it diagnoses a "wrong instance" key without the crypto.
/// </summary>
public static class AdminKeyPrefix
{
    /// <summary>The claimed instance name, or null for a key without a <c>name|</c> prefix (legacy format or not a key).</summary>
    public static string? InstanceNameOf(string adminKey)
    {
        var bar = adminKey.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return null;
        }

        var name = adminKey[..bar];
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? name : name[(colon + 1)..];
    }
}
