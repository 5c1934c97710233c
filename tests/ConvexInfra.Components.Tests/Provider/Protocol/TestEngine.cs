using System.Collections;
using System.Collections.Concurrent;
using System.Net;
using ConvexInfra.Components.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Provider.Protocol;

/// <summary>
/// One RegisterResource call as the engine received it, with what it answered. <paramref name="Dependencies"/> is the
/// request's <c>dependencies</c> field: the URNs of every custom resource the SDK waited for (inputs and DependsOn,
/// components expanded to their children), the edges the engine schedules by.
/// </summary>
internal sealed record Registration(string Type, string Name, string Urn, string Parent, bool Custom, string Provider, Struct Inputs, string Id)
{
    public IReadOnlyList<string> Dependencies { get; init; } = [];
}

/// <summary>One Invoke call as the engine received it.</summary>
internal sealed record InvokeCall(string Token, string Provider, Struct Args);

/// <summary>
/// What the test engine knows and records: the stack, whether this is a preview, the region of the default AWS
/// provider (the stack's <c>aws:region</c>) and of every provider resource, and every call the provider made.
/// Custom resources and invokes are answered by <see cref="AwsMocks"/> (the same realistic values the mock tests
/// use); in a preview, outputs that are not inputs come back unknown and ids empty, as the engine answers.
/// </summary>
internal sealed class EngineState(string project, string stack, bool dryRun, string defaultRegion, AwsMocks mocks)
{
    public string Project { get; } = project;
    public string Stack { get; } = stack;
    public bool DryRun { get; } = dryRun;
    public string DefaultRegion { get; } = defaultRegion;
    public AwsMocks Mocks { get; } = mocks;
    public string StackUrn => $"urn:pulumi:{Stack}::{Project}::pulumi:pulumi:Stack::{Project}-{Stack}";

    /// <summary>Provider reference ("urn::id") → the region it was configured with.</summary>
    public ConcurrentDictionary<string, string> ProviderRegions { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<Registration> Registrations { get; } = new();
    public ConcurrentQueue<InvokeCall> Invokes { get; } = new();
    public ConcurrentQueue<(string Urn, Struct Outputs)> RegisteredOutputs { get; } = new();
    public ConcurrentQueue<string> FeatureQueries { get; } = new();
    public ConcurrentQueue<string> Logs { get; } = new();

    public string NewUrn(string parent, string type, string name)
    {
        if (!string.IsNullOrEmpty(parent))
        {
            var parentType = parent.Split("::")[2].Split('$')[^1];
            type = $"{parentType}${type}";
        }

        return $"urn:pulumi:{Stack}::{Project}::{type}::{name}";
    }
}

/// <summary>
/// The engine side of a Construct: a ResourceMonitor and an Engine gRPC service on one loopback HTTP/2 port (the
/// provider reaches the monitor through ConstructRequest.monitorEndpoint and the engine through the address it was
/// started with). Pulumi's generated gRPC types are internal to Pulumi.dll; the methods are bound from its descriptors
/// (<see cref="Rpc"/>).
/// </summary>
internal sealed class TestEngine : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestEngine(WebApplication app, string address, EngineState state)
    {
        _app = app;
        Address = address;
        State = state;
    }

    /// <summary>host:port, as the engine passes its address to a plugin.</summary>
    public string Address { get; }

    public EngineState State { get; }

    public static async Task<TestEngine> StartAsync(EngineState state)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc(options => options.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton<IServiceMethodProvider<Endpoints>, Methods>();
        var app = builder.Build();
        app.MapGrpcService<Endpoints>();
        await app.StartAsync();
        var url = new Uri(app.Urls.Single());
        return new TestEngine(app, $"127.0.0.1:{url.Port}", state);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The service type the engine's methods are bound to (no generated base: <see cref="Methods"/> binds them).</summary>
    private sealed class Endpoints;

    /// <summary>Binds the handled methods of pulumirpc.Engine and pulumirpc.ResourceMonitor; others answer Unimplemented.</summary>
    private sealed class Methods(EngineState state) : IServiceMethodProvider<Endpoints>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<Endpoints> context)
        {
            var handlers = new Dictionary<string, Func<IMessage, IMessage, Task>>(StringComparer.Ordinal)
            {
                ["Log"] = (request, _) =>
                {
                    state.Logs.Enqueue($"{request.Get<object>("severity")}: {request.Get<string>("message")}");
                    return Task.CompletedTask;
                },
                ["GetRootResource"] = (_, response) =>
                {
                    response.Set("urn", state.StackUrn);
                    return Task.CompletedTask;
                },
                ["SetRootResource"] = (_, _) => Task.CompletedTask,
                ["SupportsFeature"] = (request, response) =>
                {
                    // Like Pulumi's MockMonitor (sdk/Pulumi/Testing/MockMonitor.cs, SupportsFeatureAsync): everything but output values.
                    var id = request.Get<string>("id");
                    state.FeatureQueries.Enqueue(id);
                    response.Set("hasSupport", id != "outputValues");
                    return Task.CompletedTask;
                },
                ["RegisterResource"] = (request, response) => RegisterResource(state, request, response),
                ["Invoke"] = (request, response) => Invoke(state, request, response),
                ["RegisterResourceOutputs"] = (request, _) =>
                {
                    state.RegisteredOutputs.Enqueue((request.Get<string>("urn"), request.Get<Struct>("outputs") ?? new Struct()));
                    return Task.CompletedTask;
                },
            };
            foreach (var service in new[] { Rpc.Service("Engine", "Engine"), Rpc.Service("Resource", "ResourceMonitor") })
            {
                foreach (var method in service.Methods.Where(m => handlers.ContainsKey(m.Name)))
                {
                    var handler = handlers[method.Name];
                    context.AddUnaryMethod(Rpc.Method(method), [], async (Endpoints _, IMessage request, ServerCallContext _) =>
                    {
                        var response = Rpc.New(method.OutputType);
                        await handler(request, response);
                        return response;
                    });
                }
            }
        }
    }

    private static readonly Lazy<string> SigningKey = new(() =>
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    });

    private static async Task RegisterResource(EngineState state, IMessage request, IMessage response)
    {
        var type = request.Get<string>("type");
        var name = request.Get<string>("name");
        var parent = request.Get<string>("parent");
        var custom = request.Get<bool>("custom");
        var provider = request.Get<string>("provider");
        var inputs = request.Get<Struct>("object") ?? new Struct();
        var urn = state.NewUrn(parent, type, name);
        var id = "";
        var answer = new Struct();
        if (type.StartsWith("pulumi:providers:", StringComparison.Ordinal))
        {
            id = $"{name}-provider-id";
            answer = inputs;
            if (inputs.Fields.TryGetValue("region", out var region))
            {
                state.ProviderRegions[$"{urn}::{id}"] = region.StringValue;
            }
        }
        else if (type == "tls:index/privateKey:PrivateKey")
        {
            // Convex Auth's signing key: a real PKCS#8 key, as the tls provider answers (secret outputs).
            id = state.DryRun ? "" : $"{name}-id";
            answer = inputs.Clone();
            answer.Fields["privateKeyPemPkcs8"] = state.DryRun ? WireValues.UnknownValue() : WireValues.Secret(Value.ForString(SigningKey.Value));
            answer.Fields["publicKeyPem"] = state.DryRun ? WireValues.UnknownValue() : Value.ForString("public");
        }
        else if (custom)
        {
            var (mockId, output) = await state.Mocks.Mock.Object.NewResourceAsync(new MockResourceArgs
            {
                Type = type,
                Name = name,
                Inputs = WireValues.ToPlainMap(inputs),
                Provider = provider,
            });
            id = state.DryRun ? "" : mockId ?? "";
            answer = Answer(state, inputs, (IDictionary)output);
        }

        response.Set("urn", urn).Set("id", id).Set("object", answer);
        var dependencies = request.Get<IList>("dependencies").Cast<string>().ToList();
        state.Registrations.Enqueue(new Registration(type, name, urn, parent, custom, provider, inputs, id) { Dependencies = dependencies });
    }

    private static async Task Invoke(EngineState state, IMessage request, IMessage response)
    {
        var token = request.Get<string>("tok");
        var provider = request.Get<string>("provider");
        var args = request.Get<Struct>("args") ?? new Struct();
        state.Invokes.Enqueue(new InvokeCall(token, provider, args));
        if (token == Components.Aws.AwsLookups.RegionToken)
        {
            var region = string.IsNullOrEmpty(provider) ? state.DefaultRegion : state.ProviderRegions[provider];
            response.Set("return", WireValues.ToStruct(new Dictionary<string, object> { ["id"] = region, ["region"] = region, ["name"] = region }));
            return;
        }

        try
        {
            var result = await state.Mocks.Mock.Object.CallAsync(new MockCallArgs { Token = token, Args = WireValues.ToPlainMap(args), Provider = provider });
            response.Set("return", WireValues.ToStruct((IDictionary)result));
        }
        catch (InvalidOperationException e)
        {
            // The engine reports a provider's invoke error as an RPC error carrying the provider's message.
            throw new RpcException(new Status(StatusCode.Unknown, e.Message));
        }
    }

    /// <summary>
    /// In a preview the engine answers with the inputs and leaves every other output unknown; in an update with
    /// the provider's outputs, secret where the input was secret.
    /// </summary>
    private static Struct Answer(EngineState state, Struct inputs, IDictionary output)
    {
        var answer = new Struct();
        foreach (DictionaryEntry entry in output)
        {
            var key = (string)entry.Key;
            var known = inputs.Fields.TryGetValue(key, out var input);
            answer.Fields[key] = state.DryRun
                ? known ? input : WireValues.UnknownValue()
                : known && WireValues.IsSecret(input!) ? WireValues.Secret(WireValues.ToValue(entry.Value)) : WireValues.ToValue(entry.Value);
        }

        foreach (var (key, input) in inputs.Fields)
        {
            if (!answer.Fields.ContainsKey(key))
            {
                answer.Fields[key] = input;
            }
        }

        return answer;
    }
}
