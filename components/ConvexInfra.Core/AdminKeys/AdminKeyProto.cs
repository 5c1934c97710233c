using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ConvexInfra.Core.AdminKeys;

/// <summary>
/// A hand-written proto3 codec for <see cref="AdminKeyClaims"/>, byte-for-byte what prost produces and
/// as lenient or strict as prost is when reading (unknown fields skipped, last oneof member wins,
/// truncated or malformed input refused).
/// </summary>
public static class AdminKeyProto
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireStartGroup = 3;
    private const int WireEndGroup = 4;
    private const int WireFixed32 = 5;

    public static byte[] Encode(AdminKeyClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var output = new List<byte>(16);
        if (claims.InstanceName is { } name)
        {
            var utf8 = Encoding.UTF8.GetBytes(name);
            output.Add(Tag(1, WireLengthDelimited));
            WriteVarint(output, (ulong)utf8.Length);
            output.AddRange(utf8);
        }

        // proto3 leaves out scalar fields at their default value; the oneof below is always written.
        if (claims.IssuedAtUnixSeconds != 0)
        {
            output.Add(Tag(2, WireVarint));
            WriteVarint(output, claims.IssuedAtUnixSeconds);
        }

        if (claims.Identity is { IsSystem: true })
        {
            output.Add(Tag(4, WireLengthDelimited));
            output.Add(0);
        }
        else if (claims.Identity is { } member)
        {
            output.Add(Tag(3, WireVarint));
            WriteVarint(output, member.MemberId);
        }

        if (claims.ReadOnly)
        {
            output.Add(Tag(5, WireVarint));
            output.Add(1);
        }

        return [.. output];
    }

    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out AdminKeyClaims? claims, out string error)
    {
        claims = null;
        string? name = null;
        ulong issued = 0;
        AdminKeyIdentity? identity = null;
        var readOnly = false;
        var position = 0;
        while (position < data.Length)
        {
            if (!TryReadTag(data, ref position, out var field, out var wire, out error))
            {
                return false;
            }

            switch (field, wire)
            {
                case (1, WireLengthDelimited):
                    if (!TryReadLengthDelimited(data, ref position, out var text, out error))
                    {
                        return false;
                    }

                    if (!TryDecodeUtf8(text, out name))
                    {
                        error = "field 1 (instance_name) is not valid UTF-8";
                        return false;
                    }

                    break;
                case (2, WireVarint):
                    if (!TryReadVarint(data, ref position, out issued, out error))
                    {
                        return false;
                    }

                    break;
                case (3, WireVarint):
                    if (!TryReadVarint(data, ref position, out var memberId, out error))
                    {
                        return false;
                    }

                    identity = AdminKeyIdentity.Member(memberId);
                    break;
                case (4, WireLengthDelimited):
                    // google.protobuf.Empty has no fields, but any it carries must still be well-formed.
                    if (!TryReadLengthDelimited(data, ref position, out var empty, out error) || !TrySkipAll(empty, out error))
                    {
                        error = $"field 4 (system): {error}";
                        return false;
                    }

                    identity = AdminKeyIdentity.System;
                    break;
                case (5, WireVarint):
                    if (!TryReadVarint(data, ref position, out var flag, out error))
                    {
                        return false;
                    }

                    readOnly = flag != 0;
                    break;
                case ( >= 1 and <= 5, _):
                    error = $"field {field} has wire type {wire}, which does not match its declared type";
                    return false;
                default:
                    if (!TrySkip(data, ref position, field, wire, out error))
                    {
                        return false;
                    }

                    break;
            }
        }

        claims = new AdminKeyClaims(name, issued, identity, readOnly);
        error = string.Empty;
        return true;
    }

    private static byte Tag(int field, int wire) => (byte)((field << 3) | wire);

    private static void WriteVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value, out string error)
    {
        value = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (position >= data.Length)
            {
                error = "a varint runs past the end of the message (truncated)";
                return false;
            }

            var b = data[position++];
            // The tenth byte may only hold the top bit of a 64-bit value.
            if (shift == 63 && b > 1)
            {
                error = "a varint overflows 64 bits";
                return false;
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                error = string.Empty;
                return true;
            }
        }
    }

    private static bool TryReadTag(ReadOnlySpan<byte> data, ref int position, out int field, out int wire, out string error)
    {
        field = 0;
        wire = 0;
        if (!TryReadVarint(data, ref position, out var key, out error))
        {
            return false;
        }

        if (key > uint.MaxValue)
        {
            error = "a field key is larger than 32 bits";
            return false;
        }

        wire = (int)(key & 7);
        field = (int)(key >> 3);
        if (field == 0)
        {
            error = "a field has number 0, which protobuf does not allow";
            return false;
        }

        if (wire > WireFixed32)
        {
            error = $"field {field} has unknown wire type {wire}";
            return false;
        }

        return true;
    }

    private static bool TryReadLengthDelimited(ReadOnlySpan<byte> data, ref int position, out ReadOnlySpan<byte> value, out string error)
    {
        value = default;
        if (!TryReadVarint(data, ref position, out var length, out error))
        {
            return false;
        }

        if (length > (ulong)(data.Length - position))
        {
            error = $"a length-delimited field claims {length} bytes but only {data.Length - position} remain (truncated)";
            return false;
        }

        value = data.Slice(position, (int)length);
        position += (int)length;
        return true;
    }

    private static bool TrySkipAll(ReadOnlySpan<byte> data, out string error)
    {
        var position = 0;
        error = string.Empty;
        while (position < data.Length)
        {
            if (!TryReadTag(data, ref position, out var field, out var wire, out error) || !TrySkip(data, ref position, field, wire, out error))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TrySkip(ReadOnlySpan<byte> data, ref int position, int field, int wire, out string error)
    {
        error = string.Empty;
        switch (wire)
        {
            case WireVarint:
                return TryReadVarint(data, ref position, out _, out error);
            case WireLengthDelimited:
                return TryReadLengthDelimited(data, ref position, out _, out error);
            case WireFixed64 or WireFixed32:
                var size = wire == WireFixed64 ? 8 : 4;
                if (data.Length - position < size)
                {
                    error = $"field {field} needs {size} bytes but only {data.Length - position} remain (truncated)";
                    return false;
                }

                position += size;
                return true;
            case WireStartGroup:
                while (true)
                {
                    if (!TryReadTag(data, ref position, out var inner, out var innerWire, out error))
                    {
                        return false;
                    }

                    if (innerWire == WireEndGroup)
                    {
                        if (inner != field)
                        {
                            error = $"group {field} is closed by a mismatched end tag {inner}";
                            return false;
                        }

                        return true;
                    }

                    if (!TrySkip(data, ref position, inner, innerWire, out error))
                    {
                        return false;
                    }
                }

            default:
                error = $"field {field} has an end-group tag without a matching start";
                return false;
        }
    }

    private static bool TryDecodeUtf8(ReadOnlySpan<byte> bytes, out string? text)
    {
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return false;
        }
    }
}
