namespace ConvexInfra.Core.Ops;

/// <summary>Memory of the RDS instance classes this project suggests, for the FreeableMemory threshold.</summary>
public static class DatabaseMemory
{
    private static readonly Dictionary<string, int> SizeGib = new(StringComparer.Ordinal)
    {
        ["micro"] = 1,
        ["small"] = 2,
        ["medium"] = 4,
        ["large"] = 8,
        ["xlarge"] = 16,
        ["2xlarge"] = 32,
    };

    private static readonly HashSet<string> BurstableFamilies = new(StringComparer.Ordinal) { "t3", "t4g" };

    private static readonly Dictionary<string, int> GeneralPurposeGibPerLarge = new(StringComparer.Ordinal)
    {
        ["m5"] = 8,
        ["m6g"] = 8,
        ["m6i"] = 8,
        ["m7g"] = 8,
        ["m8g"] = 8,
        ["r5"] = 16,
        ["r6g"] = 16,
        ["r6i"] = 16,
        ["r7g"] = 16,
        ["r8g"] = 16,
    };

    /// <summary>MiB of memory of <paramref name="instanceClass"/> (e.g. <c>db.t4g.medium</c> → 4096), or null when unknown.</summary>
    public static int? MegabytesOf(string instanceClass)
    {
        ArgumentNullException.ThrowIfNull(instanceClass);
        var parts = instanceClass.Split('.');
        if (parts.Length != 3 || parts[0] != "db")
        {
            return null;
        }

        var (family, size) = (parts[1], parts[2]);
        if (BurstableFamilies.Contains(family))
        {
            return SizeGib.TryGetValue(size, out var gib) ? gib * 1024 : null;
        }

        if (!GeneralPurposeGibPerLarge.TryGetValue(family, out var perLarge))
        {
            return null;
        }

        var multiple = size switch
        {
            "large" => 1,
            "xlarge" => 2,
            _ when size.EndsWith("xlarge", StringComparison.Ordinal) && int.TryParse(size[..^6], out var n) && n > 0 => n * 2,
            _ => 0,
        };
        return multiple == 0 ? null : perLarge * multiple * 1024;
    }
}
