using System.Collections.Immutable;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Outputs;
using ConvexInfra.Core.Spec;
using Pulumi;
using Docker = Pulumi.Docker;

namespace ConvexInfra.Components.Local;

/// <summary>
/// Convex on the machine's own Docker daemon: a private network, named volumes that outlive containers,
/// the backend and dashboard at the pinned revision (and Postgres with <c>database: postgres</c>), every
/// port published on 127.0.0.1 only. Exposes the same outputs as the AWS targets.
/// </summary>
public sealed class LocalConvex : ComponentResource
{
    public const string TypeToken = "convex-infra:local:LocalConvex";

    public Output<string> ApiUrl { get; }
    public Output<string> SiteUrl { get; }
    public Output<string> DashboardUrl { get; }

    /// <summary>Secret. Stable across runs; changes only when a rotation counter changes.</summary>
    public Output<string> AdminKey { get; }

    /// <summary>The Postgres container's name on the stack network; empty with SQLite.</summary>
    public Output<string> DatabaseEndpoint { get; }

    public Output<string> InstanceName { get; }

    /// <summary>What was registered, for tests.</summary>
    internal LocalStackPlan Plan { get; }

    /// <summary>The <c>NAME=value</c> list each container gets (secret when any entry is), for tests.</summary>
    internal IReadOnlyDictionary<LocalRole, Output<ImmutableArray<string>>> Environments { get; }

    public LocalConvex(string name, LocalConvexArgs args, ComponentResourceOptions? opts = null)
        : base(TypeToken, name, opts)
    {
        var spec = args.Spec;
        Plan = LocalPlanner.Plan(spec);
        var secrets = new LocalSecrets(
            name, spec, args.AdminKeyIssuedAtUnixSeconds ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds(), this, args.BucketKeys);

        var network = new Docker.Network($"{name}-network", new Docker.NetworkArgs
        {
            Name = Plan.NetworkName,
            Driver = "bridge",
            Labels = NetworkLabels(Plan.Labels),
        }, new CustomResourceOptions { Parent = this });

        var volumes = new Dictionary<string, Docker.Volume>(StringComparer.Ordinal);
        foreach (var volume in Plan.Volumes)
        {
            volumes[volume.Name] = new Docker.Volume(
                $"{name}-{VolumeKey(spec, volume.Name)}",
                new Docker.VolumeArgs { Name = volume.Name, Driver = "local", Labels = VolumeLabels(volume.Labels) },
                VolumeOptions(this, spec.Protection.ProtectData));
        }

        var environments = new Dictionary<LocalRole, Output<ImmutableArray<string>>>();
        var containers = new Dictionary<LocalRole, Docker.Container>();
        foreach (var container in Plan.Containers)
        {
            var image = new Docker.RemoteImage($"{name}-{LocalNames.RoleName(container.Role)}-image", new Docker.RemoteImageArgs
            {
                Name = container.Image,
                // Keep images on `pulumi destroy`: re-creating the stack should not download them again.
                KeepLocally = true,
            }, new CustomResourceOptions { Parent = this });

            var env = LocalContainerEnvironment.For(container, spec, Plan, secrets);
            environments[container.Role] = env.ToOutput();
            containers[container.Role] = new Docker.Container(
                $"{name}-{LocalNames.RoleName(container.Role)}",
                LocalContainerArgs.Build(container, image.ImageId, env, network.Name, volumes),
                ContainerOptions(this, container.DependsOnHealthy.Select(role => (Resource)containers[role])));
        }

        Environments = environments;
        var backend = containers[LocalRole.Backend];
        var dashboard = containers[LocalRole.Dashboard];

        // Tie the URLs to the containers so anything that uses them waits until they answer.
        ApiUrl = backend.Name.Apply(_ => spec.Endpoints.ApiOrigin);
        SiteUrl = backend.Name.Apply(_ => spec.Endpoints.SiteOrigin);
        DashboardUrl = dashboard.Name.Apply(_ => spec.Endpoints.DashboardOrigin);
        AdminKey = secrets.AdminKey;
        DatabaseEndpoint = containers.TryGetValue(LocalRole.Postgres, out var postgres)
            ? postgres.Name
            : Output.Create(string.Empty);
        InstanceName = Output.Create(spec.InstanceName);

        RegisterOutputs(new Dictionary<string, object?>
        {
            [StackOutputNames.ApiUrl] = ApiUrl,
            [StackOutputNames.SiteUrl] = SiteUrl,
            [StackOutputNames.DashboardUrl] = DashboardUrl,
            [StackOutputNames.AdminKey] = AdminKey,
            [StackOutputNames.DatabaseEndpoint] = DatabaseEndpoint,
            [StackOutputNames.InstanceName] = InstanceName,
        });
    }

    /// <summary>
    /// Volumes hold the data: they are never replaced by container changes, and <c>pulumi destroy</c> leaves
    /// them on the Docker host (Pulumi forgets them) so a later <c>pulumi up</c> finds the data again.
    /// Deleting them is an explicit <c>docker volume rm</c> (see docs/local.md).
    /// </summary>
    internal static CustomResourceOptions VolumeOptions(Resource parent, bool protect) => new()
    {
        Parent = parent,
        RetainOnDelete = true,
        Protect = protect,
    };

    /// <summary>
    /// Fixed container names and ports cannot exist twice, and two backends must never share a volume or a
    /// database: the old container is stopped (SIGINT, grace period) before its replacement starts.
    /// </summary>
    internal static CustomResourceOptions ContainerOptions(Resource parent, IEnumerable<Resource> dependsOn)
    {
        var options = new CustomResourceOptions { Parent = parent, DeleteBeforeReplace = true };
        foreach (var dependency in dependsOn)
        {
            options.DependsOn.Add(dependency);
        }

        return options;
    }

    private static string VolumeKey(DeploymentSpec spec, string volumeName) =>
        volumeName.StartsWith(LocalNames.Prefix(spec) + "-", StringComparison.Ordinal)
            ? volumeName[(LocalNames.Prefix(spec).Length + 1)..]
            : volumeName;

    private static InputList<Docker.Inputs.NetworkLabelArgs> NetworkLabels(IReadOnlyDictionary<string, string> labels) =>
        labels.Select(l => new Docker.Inputs.NetworkLabelArgs { Label = l.Key, Value = l.Value }).ToList();

    private static InputList<Docker.Inputs.VolumeLabelArgs> VolumeLabels(IReadOnlyDictionary<string, string> labels) =>
        labels.Select(l => new Docker.Inputs.VolumeLabelArgs { Label = l.Key, Value = l.Value }).ToList();
}
