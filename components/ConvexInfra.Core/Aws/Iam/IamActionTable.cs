using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConvexInfra.Core.Aws.Iam;

/// <summary>
/// The AWS calls each resource type and invoke of the program makes, per phase, as data read from the Terraform AWS
/// provider (hashicorp/terraform-provider-aws v6, which pulumi-aws bridges): <c>Data/iam-actions.json</c>. Every call
/// names the provider file and the function that makes it, and whether it is made only on a condition (first use in an
/// account, a field change, a fallback, a clean-up, an input the stacks do not set). Calls marked <c>"grant": "docs"</c>
/// are left out of the requests (the CI policies do not grant them) and docs/cicd.md names who must. The component test
/// <c>IamCompletenessTests</c> fails for any registered type that is missing here.
/// </summary>
internal static class IamActionTable
{
    private static readonly Lazy<IamActionData> Data = new(Load);

    public static IReadOnlyList<IamResourceActions> Resources => Data.Value.Resources;

    public static IReadOnlyDictionary<string, IamInvokeActions> Invokes => Data.Value.Invokes;

    public static IReadOnlyList<string> ReadInSource => Data.Value.ReadInSource;

    public static IReadOnlyList<string> Unread => Data.Value.Unread;

    private static IamActionData Load()
    {
        var assembly = typeof(IamActionTable).Assembly;
        var name = assembly.GetManifestResourceNames().Single(r => r.EndsWith(".Data.iam-actions.json", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"embedded {name} is missing");
        using var reader = new StreamReader(stream);
        return IamActionData.Parse(reader.ReadToEnd());
    }
}

/// <summary>The parsed <c>iam-actions.json</c>: resource types with their calls per phase, and invokes.</summary>
public sealed class IamActionData
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    private IamActionData(IReadOnlyList<IamResourceActions> resources, IReadOnlyDictionary<string, IamInvokeActions> invokes, IReadOnlyList<string> readInSource, IReadOnlyList<string> unread)
    {
        Resources = resources;
        Invokes = invokes;
        ReadInSource = readInSource;
        Unread = unread;
    }

    public IReadOnlyList<IamResourceActions> Resources { get; }

    public IReadOnlyDictionary<string, IamInvokeActions> Invokes { get; }

    /// <summary>The provider files whose CRUD functions were read line by line for the table.</summary>
    public IReadOnlyList<string> ReadInSource { get; }

    /// <summary>The resource files whose entries were not yet re-read in the provider's source (kept visible, not hidden).</summary>
    public IReadOnlyList<string> Unread { get; }

    public static IamActionData Parse(string json)
    {
        var file = JsonSerializer.Deserialize<FileJson>(json, Options) ?? throw new JsonException("iam-actions.json is empty (null)");
        var resources = file.Resources.Select(r =>
        {
            if (!file.Tags.TryGetValue(r.Tag, out var tags))
            {
                throw new JsonException($"iam-actions.json: {r.Type} names tag set '{r.Tag}', which 'tags' does not define");
            }

            List<IamCall> Phase(IamPhase phase, IReadOnlyList<CallJson> calls, string file) => calls.Select(c => c.ToCall(r.Type, phase, file)).ToList();
            var calls = Phase(IamPhase.Create, r.Create, r.File)
                .Concat(Phase(IamPhase.Read, r.Read, r.File))
                .Concat(Phase(IamPhase.Update, r.Update, r.File))
                .Concat(Phase(IamPhase.Delete, r.Delete, r.File))
                .Concat(Phase(IamPhase.Tag, tags.Calls, tags.File))
                .ToList();
            return new IamResourceActions(r.Type, r.File, calls);
        }).ToList();
        var duplicate = resources.GroupBy(r => r.Type, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new JsonException($"iam-actions.json lists {duplicate.Key} twice");
        }

        var invokes = file.Invokes.ToDictionary(
            i => i.Token,
            i => new IamInvokeActions(i.Token, i.File, i.Calls.Select(c => c.ToCall(i.Token, IamPhase.Read, i.File)).ToList(), i.Note),
            StringComparer.Ordinal);
        return new IamActionData(resources, invokes, file.ReadInSource ?? [], file.Unread ?? []);
    }

    private sealed record FileJson(
        string About,
        IReadOnlyList<ResourceJson> Resources,
        IReadOnlyDictionary<string, TagsJson> Tags,
        IReadOnlyList<InvokeJson> Invokes,
        IReadOnlyList<string>? ReadInSource = null,
        IReadOnlyList<string>? Unread = null);

    private sealed record ResourceJson(
        string Type,
        string File,
        IReadOnlyList<CallJson> Create,
        IReadOnlyList<CallJson> Read,
        IReadOnlyList<CallJson> Update,
        IReadOnlyList<CallJson> Delete,
        string Tag);

    private sealed record TagsJson(string File, IReadOnlyList<CallJson> Calls);

    private sealed record InvokeJson(string Token, string File, IReadOnlyList<CallJson> Calls, string? Note = null);

    private sealed record CallJson(
        string Action,
        string Fn,
        string? File = null,
        string? Kind = null,
        string? When = null,
        string? Grant = null,
        string? On = null,
        string? Input = null,
        string? PassedToService = null,
        string? ServiceName = null)
    {
        public IamCall ToCall(string owner, IamPhase phase, string defaultFile)
        {
            var where = $"iam-actions.json: {owner} {phase} {Action}";
            var on = On is null ? IamOn.Self : Enum.TryParse<IamOn>(On, ignoreCase: false, out var parsed) ? parsed
                : throw new JsonException($"{where}: 'on' is '{On}'; use one of {string.Join(", ", Enum.GetNames<IamOn>())}");
            var condition = (Kind, When) switch
            {
                (null, null) => null,
                ({ } kind, { } when) => new IamCallCondition(ParseKind(kind, where), when),
                _ => throw new JsonException($"{where}: a conditional call needs both 'kind' and 'when'"),
            };
            var granted = Grant switch
            {
                null or "policy" => true,
                "docs" when condition is not null => false,
                "docs" => throw new JsonException($"{where}: only a conditional call may be left to the docs ('grant': 'docs')"),
                _ => throw new JsonException($"{where}: 'grant' is '{Grant}'; use 'policy' or 'docs'"),
            };
            var action = new IamAction(Action, on, Input, PassedToService, ServiceName);
            return new IamCall(action, phase, File ?? defaultFile, Fn, condition, granted);
        }

        private static IamConditionKind ParseKind(string kind, string where) => kind switch
        {
            "first-use" => IamConditionKind.FirstUse,
            "field-change" => IamConditionKind.FieldChange,
            "fallback" => IamConditionKind.Fallback,
            "cleanup" => IamConditionKind.Cleanup,
            "setting" => IamConditionKind.Setting,
            _ => throw new JsonException($"{where}: 'kind' is '{kind}'; use first-use, field-change, fallback, cleanup or setting"),
        };
    }
}
