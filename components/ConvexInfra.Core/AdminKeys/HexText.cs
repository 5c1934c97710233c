using System.Buffers;

namespace ConvexInfra.Core.AdminKeys;

internal static class HexText
{
    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>The index of the first character that is not a hex digit, or -1.</summary>
    public static int IndexOfNonHex(ReadOnlySpan<char> text) => text.IndexOfAnyExcept(Digits);
}
