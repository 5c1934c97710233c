using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConvexInfra.Core.Facts;

/// <summary>Where a fact is stated upstream: a file, a line and a short text that must appear on that line.</summary>
/// <param name="Repository">Null: the table's repository (get-convex/convex-backend).</param>
/// <param name="Revision">Null: the table's revision, the pinned image revision.</param>
public sealed record ConvexFactSource(string File, int Line, string Match, string? Repository = null, string? Revision = null);

/// <summary>
/// One thing about Convex the product relies on. <see cref="Kind"/> is env (container variable), function-env
/// (deployment variable functions read), cli-env, cli-flag, path, function, header, port, image, limit, rule,
/// message, behaviour or metric (a Prometheus metric of /metrics); <see cref="Value"/> is the machine value (seconds, bytes, a pattern) and
/// <see cref="Figure"/> the text the docs print for a limit.
/// </summary>
public sealed record ConvexFact(string Id, string Kind, string Name, string Statement, IReadOnlyList<ConvexFactSource> Sources, string? Value = null, string? Figure = null);

/// <summary>
/// The Convex facts table (Data/convex-facts.json): every Convex variable, flag, endpoint, header and limit the product
/// relies on, cited at the pinned revision. Tests require the product and the docs to use only what it cites; moving
/// <c>imageRevision</c> means re-citing it (scripts/check-convex-facts.sh).
/// </summary>
public sealed record ConvexFacts(string Repository, string Revision, string Note, IReadOnlyList<ConvexFact> Facts)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>The table embedded in this assembly.</summary>
    public static ConvexFacts Embedded()
    {
        var assembly = typeof(ConvexFacts).Assembly;
        var name = assembly.GetManifestResourceNames().Single(r => r.EndsWith(".Data.convex-facts.json", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"embedded {name} is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    public static ConvexFacts Parse(string json) =>
        JsonSerializer.Deserialize<ConvexFacts>(json, Options) ?? throw new JsonException("convex-facts.json is empty (null)");

    public ConvexFact Get(string id) =>
        Facts.SingleOrDefault(f => f.Id == id) ?? throw new InvalidOperationException($"convex-facts.json has no fact '{id}'");

    /// <summary>The fact's <see cref="ConvexFact.Value"/> as a whole number (a limit in seconds, bytes or a count).</summary>
    public int Number(string id) =>
        int.Parse(Get(id).Value ?? throw new InvalidOperationException($"fact '{id}' has no value"), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The names of the facts of the given kinds (e.g. every variable the product may render).</summary>
    public IReadOnlySet<string> Names(params string[] kinds) =>
        Facts.Where(f => kinds.Contains(f.Kind, StringComparer.Ordinal)).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>"file:line" of the fact's first source, for messages and comments.</summary>
    public string Citation(string id)
    {
        var source = Get(id).Sources[0];
        return $"{source.Repository ?? Repository}@{(source.Revision ?? Revision)[..7]} {source.File}:{source.Line}";
    }
}
