using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Support;

/// <summary>Reads the (already resolved) inputs the program sent for a resource, as the mock monitor hands them over.</summary>
internal static class Inputs
{
    public static string? Text(this MockResourceArgs args, string key) =>
        args.Inputs.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    public static bool? Flag(this MockResourceArgs args, string key) =>
        args.Inputs.TryGetValue(key, out var value) ? value as bool? : null;

    public static int? Number(this MockResourceArgs args, string key) =>
        args.Inputs.TryGetValue(key, out var value) ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;

    public static IReadOnlyDictionary<string, object> Map(this MockResourceArgs args, string key) =>
        args.Inputs.TryGetValue(key, out var value) && value is IDictionary<string, object> map
            ? map.ToImmutableDictionary()
            : ImmutableDictionary<string, object>.Empty;

    public static IReadOnlyList<object> List(this MockResourceArgs args, string key) =>
        args.Inputs.TryGetValue(key, out var value) && value is IEnumerable list and not string
            ? list.Cast<object>().ToList()
            : [];

    public static string? Text(this IReadOnlyDictionary<string, object> map, string key) =>
        map.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    public static IReadOnlyDictionary<string, object> Map(this IReadOnlyDictionary<string, object> map, string key) =>
        map.TryGetValue(key, out var value) && value is IDictionary<string, object> inner
            ? inner.ToImmutableDictionary()
            : ImmutableDictionary<string, object>.Empty;

    /// <summary>Every string anywhere in the inputs, for "this value must not appear" checks.</summary>
    public static IEnumerable<string> AllStrings(this MockResourceArgs args) => Strings(args.Inputs);

    private static IEnumerable<string> Strings(object? value) => value switch
    {
        null => [],
        string text => [text],
        IDictionary<string, object> map => map.Values.SelectMany(Strings),
        IEnumerable list => list.Cast<object?>().SelectMany(Strings),
        _ => [],
    };
}
