using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Spec;

/// <summary>
/// The memory of a Graviton EC2 instance type, from its family letter and size, as AWS sizes them: t4g doubles from
/// 0.5 GiB (nano) to 32 GiB (2xlarge); for the other families a size has 1 (medium), 2 (large), 4 (xlarge) or 4×N
/// (Nxlarge) vCPUs and each vCPU brings 2 GiB (c), 4 GiB (m) or 8 GiB (r, x: 16). Only used to size the backend's
/// concurrency defaults: an unknown type gives null and the upstream defaults apply.
/// </summary>
public static partial class InstanceMemory
{
    private static readonly Dictionary<string, int> BurstableMiB = new(StringComparer.Ordinal)
    {
        ["nano"] = 512,
        ["micro"] = 1024,
        ["small"] = 2048,
        ["medium"] = 4096,
        ["large"] = 8192,
        ["xlarge"] = 16384,
        ["2xlarge"] = 32768,
    };

    public static int? MiB(string instanceType)
    {
        ArgumentNullException.ThrowIfNull(instanceType);
        var match = TypePattern().Match(instanceType);
        if (!match.Success)
        {
            return null;
        }

        var size = match.Groups["size"].Value;
        if (match.Groups["family"].Value == "t")
        {
            return BurstableMiB.TryGetValue(size, out var mib) ? mib : null;
        }

        int? perVcpuGiB = match.Groups["family"].Value switch
        {
            "c" => 2,
            "m" => 4,
            "r" => 8,
            "x" => 16,
            _ => null,
        };
        int? vcpus = size switch
        {
            "medium" => 1,
            "large" => 2,
            "xlarge" => 4,
            _ when size.EndsWith("xlarge", StringComparison.Ordinal) && int.TryParse(size[..^"xlarge".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var n) => 4 * n,
            _ => null,
        };
        return perVcpuGiB is { } gib && vcpus is { } count ? gib * count * 1024 : null;
    }

    [GeneratedRegex(@"^(?<family>[a-z])\d+g[a-z]*\.(?<size>[0-9a-z]+)$")]
    private static partial Regex TypePattern();
}
