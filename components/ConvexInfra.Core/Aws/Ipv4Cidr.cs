using System.Globalization;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// An IPv4 network in CIDR notation (<c>10.0.0.0/16</c>). Only canonical networks exist: host bits must be
/// zero, because a CIDR like <c>10.0.0.1/16</c> usually means the author had a different network in mind.
/// </summary>
public readonly record struct Ipv4Cidr : IComparable<Ipv4Cidr>
{
    private const int MaxSplitBits = 16;

    private Ipv4Cidr(uint network, int prefixLength)
    {
        Network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>The network address as a big-endian 32-bit number (10.0.0.0 is 0x0A000000).</summary>
    public uint Network { get; }

    public int PrefixLength { get; }

    /// <summary>0.0.0.0/0: every address.</summary>
    public bool IsWorld => PrefixLength == 0;

    public uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);

    public uint LastAddress => Network | ~Mask;

    public ulong AddressCount => 1UL << (32 - PrefixLength);

    /// <summary>True when the whole network lies in 10/8, 172.16/12 or 192.168/16 (RFC 1918).</summary>
    public bool IsPrivate =>
        new Ipv4Cidr(0x0A000000u, 8).Contains(this)
        || new Ipv4Cidr(0xAC100000u, 12).Contains(this)
        || new Ipv4Cidr(0xC0A80000u, 16).Contains(this);

    public static Ipv4Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var error) ? cidr : throw new FormatException(error);

    public static bool TryParse(string? text, out Ipv4Cidr cidr) => TryParse(text, out cidr, out _);

    /// <summary>
    /// Parses <c>a.b.c.d/n</c>. On failure <paramref name="error"/> says what is wrong and, when only host bits
    /// are set, which network was probably meant.
    /// </summary>
    public static bool TryParse(string? text, out Ipv4Cidr cidr, out string error)
    {
        cidr = default;
        var trimmed = text?.Trim() ?? "";
        var slash = trimmed.IndexOf('/');
        if (slash < 0)
        {
            error = $"an IPv4 network with a prefix length such as {trimmed}/32 (the /prefix length is missing; example: 10.0.0.0/16)";
            return false;
        }

        if (!TryParseAddress(trimmed[..slash], out var address))
        {
            error = $"an IPv4 network such as 203.0.113.0/24: '{trimmed[..slash]}' is not four numbers 0..255 separated by dots (example: 10.0.0.0/16)";
            return false;
        }

        var prefixText = trimmed[(slash + 1)..];
        if (prefixText.Length is 0 or > 2 || !prefixText.All(char.IsAsciiDigit)
            || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            error = $"a prefix length from 0 to 32 after the '/' (got '{prefixText}'; example: 10.0.0.0/16)";
            return false;
        }

        var candidate = new Ipv4Cidr(address, prefix);
        var network = address & candidate.Mask;
        if (network != address)
        {
            var meant = new Ipv4Cidr(network, prefix);
            error = $"a network address with its host bits zero: did you mean {meant}? (or {new Ipv4Cidr(address, 32)} for the single address)";
            return false;
        }

        cidr = candidate;
        error = "";
        return true;
    }

    public bool Contains(uint address) => (address & Mask) == Network;

    /// <summary>True when every address of <paramref name="other"/> is inside this network.</summary>
    public bool Contains(Ipv4Cidr other) => other.PrefixLength >= PrefixLength && Contains(other.Network);

    public bool Overlaps(Ipv4Cidr other) => Contains(other) || other.Contains(this);

    /// <summary>All subnets of the given prefix length, in address order.</summary>
    public IReadOnlyList<Ipv4Cidr> Split(int newPrefixLength)
    {
        if (newPrefixLength < PrefixLength || newPrefixLength > 32)
        {
            throw new ArgumentOutOfRangeException(
                nameof(newPrefixLength),
                newPrefixLength,
                $"{this} can only be split into prefixes from /{PrefixLength} to /32");
        }

        if (newPrefixLength - PrefixLength > MaxSplitBits)
        {
            throw new ArgumentOutOfRangeException(
                nameof(newPrefixLength),
                newPrefixLength,
                $"splitting {this} into /{newPrefixLength} would list more than {1 << MaxSplitBits} subnets; use Subnet(prefix, index)");
        }

        var count = 1UL << (newPrefixLength - PrefixLength);
        var step = 1UL << (32 - newPrefixLength);
        var subnets = new List<Ipv4Cidr>((int)count);
        for (ulong i = 0; i < count; i++)
        {
            subnets.Add(new Ipv4Cidr((uint)(Network + (i * step)), newPrefixLength));
        }

        return subnets;
    }

    /// <summary>The <paramref name="index"/>-th subnet of the given prefix length, without listing the others.</summary>
    public Ipv4Cidr Subnet(int newPrefixLength, int index)
    {
        if (newPrefixLength < PrefixLength || newPrefixLength > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(newPrefixLength), newPrefixLength, $"{this} has no /{newPrefixLength} subnets");
        }

        var count = 1UL << (newPrefixLength - PrefixLength);
        if (index < 0 || (ulong)index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{this} has {count} /{newPrefixLength} subnets");
        }

        return new Ipv4Cidr((uint)(Network + ((ulong)index << (32 - newPrefixLength))), newPrefixLength);
    }

    public int CompareTo(Ipv4Cidr other) =>
        Network != other.Network ? Network.CompareTo(other.Network) : PrefixLength.CompareTo(other.PrefixLength);

    public static bool operator <(Ipv4Cidr left, Ipv4Cidr right) => left.CompareTo(right) < 0;

    public static bool operator >(Ipv4Cidr left, Ipv4Cidr right) => left.CompareTo(right) > 0;

    public static bool operator <=(Ipv4Cidr left, Ipv4Cidr right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Ipv4Cidr left, Ipv4Cidr right) => left.CompareTo(right) >= 0;

    public override string ToString() =>
        $"{Network >> 24}.{(Network >> 16) & 0xFF}.{(Network >> 8) & 0xFF}.{Network & 0xFF}/{PrefixLength}";

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
            // Leading zeros are refused: some tools read 010 as octal, so its meaning is ambiguous.
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var octet = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }

            address = (address << 8) | (uint)octet;
        }

        return true;
    }
}
