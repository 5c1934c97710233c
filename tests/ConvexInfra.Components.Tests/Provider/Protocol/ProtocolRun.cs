using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConvexInfra.Components.Tests.Component;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Spec;
using ConvexInfra.Provider;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Google.Protobuf;

namespace ConvexInfra.Components.Tests.Provider.Protocol;

/// <summary>
/// One Construct over gRPC: a test engine, the provider process started against it, and the ConstructRequest the
/// engine sends for a remote component (fields as sdk/Pulumi/Provider/Provider.cs at v3.112.1 reads them in
/// ResourceProviderService.Construct, lines 1101-1160: providers map of package → "urn::id" references, parent,
/// monitorEndpoint, config, dryRun).
/// </summary>
internal sealed record ProtocolRun(EngineState Engine, Struct? State, RpcException? Error, string ProviderStderr, bool AcceptsSecrets = false, bool SupportsPreview = false)
{
    public const string Project = "app";

    /// <summary>The region the explicit AWS provider of the tests is configured for.</summary>
    public const string ProviderRegion = "us-west-2";

    public const string SecretValue = "sk_live_protocol_only_secret_0123456789";

    public IEnumerable<Registration> Custom => Engine.Registrations.Where(r => r.Custom);

    public IEnumerable<Registration> Aws => Custom.Where(r => r.Type.StartsWith("aws:", StringComparison.Ordinal));

    public Registration Single(string type) => Assert.Single(Engine.Registrations, r => r.Type == type);

    /// <summary>The engine's provider reference for a provider resource of this run: "urn::id".</summary>
    public static string ProviderReference(string stack, string name) =>
        $"urn:pulumi:{stack}::{Project}::pulumi:providers:aws::{name}::{name}-provider-id";

    public static async Task<ProtocolRun> ConstructAsync(
        string stack,
        Struct inputs,
        bool dryRun,
        string defaultRegion,
        string mocksRegion,
        IReadOnlyDictionary<string, string>? providers = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var mocks = ComponentRun.NewMocks();
        var state = new EngineState(Project, stack, dryRun, defaultRegion, new AwsMocks(mocksRegion));
        foreach (var (id, subnet) in mocks.Subnets)
        {
            state.Mocks.Subnets[id] = subnet;
        }

        foreach (var reference in providers?.Values ?? [])
        {
            // A provider the caller registered before (e.g. `new aws.Provider("west", { region: "us-west-2" })`).
            state.ProviderRegions[reference] = ProviderRegion;
        }

        await using var engine = await TestEngine.StartAsync(state);
        await using var provider = await ProviderProcess.StartAsync(engine.Address, environment);
        // The engine configures a provider before it uses it (Configure; Provider.cs lines 948-967 at v3.112.1); the
        // answer says whether it takes secrets, and whether it can take part in a preview.
        var configured = await provider.CallAsync("Configure", request =>
        {
            request.Set("acceptSecrets", true).Set("acceptResources", true);
            request.Map("variables")["aws:region"] = defaultRegion;
        });
        var acceptsSecrets = configured.Get<bool>("acceptSecrets");
        var supportsPreview = configured.Get<bool>("supportsPreview");
        try
        {
            // ConstructRequest as the engine fills it for a remote component.
            var response = await provider.CallAsync("Construct", request =>
            {
                request.Set("project", Project).Set("stack", stack).Set("organization", "organization").Set("dryRun", dryRun).Set("parallel", 8)
                    .Set("monitorEndpoint", engine.Address).Set("type", ConvexInfraSchema.ResourceToken).Set("name", "convex")
                    .Set("parent", state.StackUrn).Set("inputs", inputs);
                request.Map("config")["aws:region"] = defaultRegion;
                foreach (var (package, reference) in providers ?? new Dictionary<string, string>())
                {
                    request.Map("providers")[package] = reference;
                }
            });
            return new ProtocolRun(state, response.Get<Struct>("state") ?? new Struct(), null, "", acceptsSecrets, supportsPreview);
        }
        catch (RpcException e)
        {
            await provider.DisposeAsync();
            return new ProtocolRun(state, null, e, await provider.Stderr, acceptsSecrets, supportsPreview);
        }
    }

    /// <summary>
    /// A repo stack file's settings as a YAML program would pass them: one input per setting, typed as the schema
    /// says (<c>aws:region</c> is <c>region</c>).
    /// </summary>
    public static Struct StackInputs(string stack)
    {
        var properties = JsonNode.Parse(File.ReadAllText(SchemaTests.SnapshotPath))!["resources"]![ConvexInfraSchema.ResourceToken]!["inputProperties"]!.AsObject();
        var inputs = new Struct();
        foreach (var (key, value) in StackFiles.Load(stack).Values)
        {
            // Provider settings (aws:allowedAccountIds) belong to the caller's AWS provider, not to the component.
            if (key != SettingKeys.Region.FullName && !key.StartsWith(SettingKeys.Namespace + ":", StringComparison.Ordinal))
            {
                continue;
            }

            var name = key == SettingKeys.Region.FullName ? "region" : key[(SettingKeys.Namespace.Length + 1)..];
            var type = (string?)properties[name]?["type"] ?? throw new InvalidOperationException($"{stack}: {key} is not an input of the package.");
            inputs.Fields[name] = type switch
            {
                "string" => Value.ForString(value.Raw),
                "integer" or "number" => Value.ForNumber(double.Parse(value.Raw, CultureInfo.InvariantCulture)),
                "boolean" => Value.ForBool(bool.Parse(value.Raw)),
                _ => WireValues.ToValue(JsonToPlain(JsonDocument.Parse(value.Raw).RootElement)),
            };
        }

        return inputs;
    }

    private static object? JsonToPlain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => JsonToPlain(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(JsonToPlain).ToList(),
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => element.GetString(),
    };
}
