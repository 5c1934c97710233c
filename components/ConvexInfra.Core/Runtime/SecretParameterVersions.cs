using System.Globalization;

namespace ConvexInfra.Core.Runtime;

/// <summary>
/// The SSM versions of the two SecureString parameters the backend reads (<c>Parameter.Version</c>; SSM counts it
/// up on every change of the value). Not secret. Rendered into the EC2 release and the ECS task definition, so that
/// a changed instance secret or <c>POSTGRES_URL</c> changes what the host or ECS sees, and the new value is read.
/// </summary>
public sealed record SecretParameterVersions(int InstanceSecret, int PostgresUrl)
{
    /// <summary>The docker label on the ECS backend container that carries <see cref="Label"/>.</summary>
    public const string DockerLabel = "convex-infra.secret-versions";

    /// <summary>SSM numbers versions from 1.</summary>
    public const int First = 1;

    /// <summary>
    /// Both versions in one value for the ECS backend's label, e.g. <c>instance-secret=3,db-credentials=1</c>: on ECS the
    /// second parameter is the database credentials one (the entrypoint adds the address), not <c>POSTGRES_URL</c>.
    /// </summary>
    public string Label
    {
        get
        {
            Validate();
            return string.Create(CultureInfo.InvariantCulture, $"instance-secret={InstanceSecret},db-credentials={PostgresUrl}");
        }
    }

    /// <summary>The version of the parameter behind one secret kind.</summary>
    public int For(Containers.SecretKind kind)
    {
        Validate();
        return kind switch
        {
            Containers.SecretKind.InstanceSecret => InstanceSecret,
            Containers.SecretKind.PostgresUrl => PostgresUrl,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no SSM parameter for this secret kind"),
        };
    }

    private void Validate()
    {
        if (InstanceSecret < First || PostgresUrl < First)
        {
            throw new ArgumentException(
                $"secret parameter versions: got instance-secret={InstanceSecret}, postgres-url={PostgresUrl}; SSM numbers versions from {First}. Pass Parameter.Version of each parameter.");
        }
    }
}
