using System.Globalization;

namespace ConvexInfra.Core.Spec;

/// <summary>An IPv4 network in CIDR notation with its host bits zero, e.g. <c>10.40.0.0/16</c>.</summary>
public sealed record Ipv4Cidr(uint Network, int PrefixLength)
{
    public static Ipv4Cidr World { get; } = new(0, 0);

    public uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);

    public bool IsWorld => PrefixLength == 0;

    /// <summary>True when the whole network lies inside 10/8, 172.16/12 or 192.168/16 (RFC 1918).</summary>
    public bool IsPrivate =>
        Within(Parse("10.0.0.0/8")) || Within(Parse("172.16.0.0/12")) || Within(Parse("192.168.0.0/16"));

    public bool Within(Ipv4Cidr outer) =>
        PrefixLength >= outer.PrefixLength && (Network & outer.Mask) == outer.Network;

    public override string ToString() => $"{FormatAddress(Network)}/{PrefixLength}";

    public static Ipv4Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var problem) ? cidr : throw new FormatException(problem);

    /// <summary>
    /// Parses <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong, and for a
    /// network with host bits set, which network was probably meant.
    /// </summary>
    public static bool TryParse(string text, out Ipv4Cidr cidr, out string problem)
    {
        cidr = World;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            problem = $"an IPv4 network with a prefix length such as {text}/32 (the '/n' part is missing)";
            return false;
        }

        if (!TryParseAddress(text[..slash], out var address))
        {
            problem = "an IPv4 network such as 203.0.113.0/24 (four numbers 0..255 separated by dots, then /0../32)";
            return false;
        }

        var prefixText = text[(slash + 1)..];
        if (!int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            problem = $"a prefix length from 0 to 32 after the '/' (got '{prefixText}')";
            return false;
        }

        var candidate = new Ipv4Cidr(address, prefix);
        var network = address & candidate.Mask;
        if (network != address)
        {
            var meant = new Ipv4Cidr(network, prefix);
            problem = $"a network address with its host bits zero: did you mean {meant}? (or {FormatAddress(address)}/32 for the single address)";
            return false;
        }

        cidr = candidate;
        problem = "";
        return true;
    }

    private static bool TryParseAddress(string text, out uint address)
    {
        address = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') ||
                !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet))
            {
                return false;
            }

            address = (address << 8) | octet;
        }

        return true;
    }

    private static string FormatAddress(uint address) =>
        $"{address >> 24}.{(address >> 16) & 0xff}.{(address >> 8) & 0xff}.{address & 0xff}";
}
