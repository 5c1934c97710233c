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
    public static byte[] Encode(AdminKeyClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var output = new List<byte>(16);
        if (claims.InstanceName is { } name)
        {
            var utf8 = Encoding.UTF8.GetBytes(name);
            output.Add(Tag(1, ProtoWire.LengthDelimited));
            WriteVarint(output, (ulong)utf8.Length);
            output.AddRange(utf8);
        }

        // proto3 leaves out scalar fields at their default value; the oneof below is always written.
        if (claims.IssuedAtUnixSeconds != 0)
        {
            output.Add(Tag(2, ProtoWire.Varint));
            WriteVarint(output, claims.IssuedAtUnixSeconds);
        }

        if (claims.Identity is { IsSystem: true })
        {
            output.Add(Tag(4, ProtoWire.LengthDelimited));
            output.Add(0);
        }
        else if (claims.Identity is { } member)
        {
            output.Add(Tag(3, ProtoWire.Varint));
            WriteVarint(output, member.MemberId);
        }

        if (claims.ReadOnly)
        {
            output.Add(Tag(5, ProtoWire.Varint));
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
            if (!ProtoWire.TryReadTag(data, ref position, out var field, out var wire, out error))
            {
                return false;
            }

            switch (field, wire)
            {
                case (1, ProtoWire.LengthDelimited):
                    if (!ProtoWire.TryReadLengthDelimited(data, ref position, out var text, out error))
                    {
                        return false;
                    }

                    if (!TryDecodeUtf8(text, out name))
                    {
                        error = "field 1 (instance_name) is not valid UTF-8";
                        return false;
                    }

                    break;
                case (2, ProtoWire.Varint):
                    if (!ProtoWire.TryReadVarint(data, ref position, out issued, out error))
                    {
                        return false;
                    }

                    break;
                case (3, ProtoWire.Varint):
                    if (!ProtoWire.TryReadVarint(data, ref position, out var memberId, out error))
                    {
                        return false;
                    }

                    identity = AdminKeyIdentity.Member(memberId);
                    break;
                case (4, ProtoWire.LengthDelimited):
                    // google.protobuf.Empty has no fields, but any it carries must still be well-formed.
                    if (!ProtoWire.TryReadLengthDelimited(data, ref position, out var empty, out error) || !ProtoWire.TrySkipAll(empty, out error))
                    {
                        error = $"field 4 (system): {error}";
                        return false;
                    }

                    identity = AdminKeyIdentity.System;
                    break;
                case (5, ProtoWire.Varint):
                    if (!ProtoWire.TryReadVarint(data, ref position, out var flag, out error))
                    {
                        return false;
                    }

                    readOnly = flag != 0;
                    break;
                case ( >= 1 and <= 5, _):
                    error = $"field {field} has wire type {wire}, which does not match its declared type";
                    return false;
                default:
                    if (!ProtoWire.TrySkip(data, ref position, field, wire, out error))
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
