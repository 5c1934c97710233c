using ConvexInfra.Components;
using Pulumi.Experimental.Provider;

namespace ConvexInfra.Provider;

/// <summary>
/// The component provider of the <c>convex-infra</c> package. It is Pulumi's <see cref="ComponentProvider"/> (what
/// <c>ComponentProviderHost.Serve</c> runs) given the one public component explicitly:
/// <c>ComponentProviderHost.Serve(args, assembly, name)</c> in Pulumi .NET 3.112.1 puts every ComponentResource of the
/// assembly in the schema, and the Components assembly also holds the internal building blocks (Network, Database,
/// Ec2Host, …), whose args are not package inputs. The schema is <see cref="ConvexInfraSchema"/>'s.
/// </summary>
public sealed class ConvexInfraProvider : ComponentProvider
{
    public ConvexInfraProvider()
        : base(typeof(ConvexDeployment).Assembly, ConvexInfraSchema.Metadata, [typeof(ConvexDeployment)])
    {
    }

    public static Task ServeAsync(string[] args) =>
        Pulumi.Experimental.Provider.Provider.Serve(args, ConvexInfraSchema.Version, _ => new ConvexInfraProvider(), CancellationToken.None);

    public override Task<GetSchemaResponse> GetSchema(GetSchemaRequest request, CancellationToken ct) =>
        Task.FromResult(new GetSchemaResponse { Schema = ConvexInfraSchema.Json() });
}
