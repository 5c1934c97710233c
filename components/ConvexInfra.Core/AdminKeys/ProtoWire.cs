namespace ConvexInfra.Core.AdminKeys;

/// <summary>Protobuf wire-format reading, with prost's limits: 10-byte varints, 32-bit keys, field numbers from 1.</summary>
internal static class ProtoWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int StartGroup = 3;
    public const int EndGroup = 4;
    public const int Fixed32 = 5;

    public static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value, out string error)
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

    public static bool TryReadTag(ReadOnlySpan<byte> data, ref int position, out int field, out int wire, out string error)
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

        if (wire > Fixed32)
        {
            error = $"field {field} has unknown wire type {wire}";
            return false;
        }

        return true;
    }

    public static bool TryReadLengthDelimited(ReadOnlySpan<byte> data, ref int position, out ReadOnlySpan<byte> value, out string error)
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

    public static bool TrySkipAll(ReadOnlySpan<byte> data, out string error)
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

    public static bool TrySkip(ReadOnlySpan<byte> data, ref int position, int field, int wire, out string error)
    {
        error = string.Empty;
        switch (wire)
        {
            case Varint:
                return TryReadVarint(data, ref position, out _, out error);
            case LengthDelimited:
                return TryReadLengthDelimited(data, ref position, out _, out error);
            case Fixed64 or Fixed32:
                var size = wire == Fixed64 ? 8 : 4;
                if (data.Length - position < size)
                {
                    error = $"field {field} needs {size} bytes but only {data.Length - position} remain (truncated)";
                    return false;
                }

                position += size;
                return true;
            case StartGroup:
                while (true)
                {
                    if (!TryReadTag(data, ref position, out var inner, out var innerWire, out error))
                    {
                        return false;
                    }

                    if (innerWire == EndGroup)
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
}
