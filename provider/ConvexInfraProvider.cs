using System.Collections.Immutable;
using System.Reflection;
using ConvexInfra.Components;
using Pulumi;
using Pulumi.Experimental;
using Pulumi.Experimental.Provider;
using Pulumi.Utilities;

namespace ConvexInfra.Provider;

/// <summary>
/// The component provider of the <c>convex-infra</c> package. It is Pulumi's <see cref="ComponentProvider"/> (what
/// <c>ComponentProviderHost.Serve</c> runs) given the one public component explicitly:
/// <c>ComponentProviderHost.Serve(args, assembly, name)</c> in Pulumi .NET 3.112.1 puts every ComponentResource of the
/// assembly in the schema, and the Components assembly also holds the internal building blocks (Network, Database,
/// Ec2Host, …), whose args are not package inputs. The schema is <see cref="ConvexInfraSchema"/>'s.
/// <para>
/// Construct is Pulumi's (sdk/Pulumi/Provider/ComponentProvider.cs, Construct, v3.112.1) except that the component is
/// made with <see cref="ConvexDeployment.CreateAsync"/>: Pulumi's calls the constructor through
/// <c>Activator.CreateInstance</c>, which would wait for the AWS lookups on a thread of the gRPC server's pool.
/// </para>
/// </summary>
public sealed class ConvexInfraProvider : ComponentProvider
{
#pragma warning disable CS0618 // PropertyValueSerializer is what Pulumi's own ComponentProvider deserializes inputs with.
    private readonly PropertyValueSerializer _serializer = new();
#pragma warning restore CS0618

    public ConvexInfraProvider()
        : base(typeof(ConvexDeployment).Assembly, ConvexInfraSchema.Metadata, [typeof(ConvexDeployment)])
    {
    }

    public static Task ServeAsync(string[] args) =>
        Pulumi.Experimental.Provider.Provider.Serve(args, ConvexInfraSchema.Version, _ => new ConvexInfraProvider(), CancellationToken.None);

    public override Task<GetSchemaResponse> GetSchema(GetSchemaRequest request, CancellationToken ct) =>
        Task.FromResult(new GetSchemaResponse { Schema = ConvexInfraSchema.Json() });

    public override async Task<ConstructResponse> Construct(ConstructRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Type != ConvexInfraSchema.ResourceToken)
        {
            throw new ArgumentException($"Unknown resource type {request.Type}; this package has one: {ConvexInfraSchema.ResourceToken}.", nameof(request));
        }

        var args = await _serializer.Deserialize<ConvexDeploymentArgs>(new PropertyValue(request.Inputs)).ConfigureAwait(false);
        var component = await ConvexDeployment.CreateAsync(request.Name, args, request.Options).ConfigureAwait(false);
        var urn = await OutputUtilities.GetValueAsync(component.Urn).ConfigureAwait(false);
        if (string.IsNullOrEmpty(urn))
        {
            throw new InvalidOperationException($"URN of resource {request.Name} is not known.");
        }

        // As Pulumi's ComponentProvider.OutputsFromComponentResource: every [Output] property that is set.
        var outputs = new Dictionary<string, PropertyValue>(StringComparer.Ordinal);
        foreach (var property in typeof(ConvexDeployment).GetProperties())
        {
            if (property.GetCustomAttribute<OutputAttribute>() is { } output && property.GetValue(component) is { } value)
            {
                outputs[output.Name ?? property.Name] = await _serializer.Serialize(value).ConfigureAwait(false);
            }
        }

        return new ConstructResponse(new Urn(urn), outputs, ImmutableDictionary<string, ISet<Urn>>.Empty);
    }
}
