using System.Collections.Frozen;

namespace ConvexInfra.Core.Planning;

/// <summary>
/// Which step of the cold-deploy model (Data/deploy-durations.json) a registered resource is, for the mock simulation
/// of <c>pulumi up</c>. Each step's typical duration is carried by the resources that make AWS (or the host) wait: the
/// VPC for the network, the RDS instance, the POSTGRES_URL parameter for the secrets, the EC2 instance, the wait step
/// that reads the host's report, the load balancer, the certificate validation, the ECS services, the export
/// schedule, the alarms and dashboard. Every other type the program creates is an API call of seconds and listed
/// here as <see cref="Instant"/>. A type that is not listed has no answer (<see cref="TryStep"/> returns false), so
/// a resource type the program starts to create fails the simulation test until it is placed here.
/// </summary>
public static class DeployStepMap
{
    /// <summary>The answer for a resource that takes no modelled time.</summary>
    public const string Instant = "instant";

    /// <summary>
    /// Waits that happen inside a resource's creation but depend on something the engine does not see: step → (the
    /// step that follows it in the same resource, the name ending of the resources it also waits for at run time).
    /// Empty while every wait of the program is a dependency the SDK reports; a runtime wait (a task polling for a
    /// parameter) is added here, next to the step of the resource that waits.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Then, string AfterNameEnding)> RuntimeWaits =
        new Dictionary<string, (string Then, string AfterNameEnding)>(StringComparer.Ordinal);

    /// <summary>Type → the step of each resource of that type, from its name and its inputs.</summary>
    private static readonly FrozenDictionary<string, Func<string, Func<string, object?>, string>> Rules =
        new Dictionary<string, Func<string, Func<string, object?>, string>>(StringComparer.Ordinal)
        {
            // The VPC carries the network step: subnets, tables, gateways and groups follow it within seconds each.
            [ResourceTypes.Vpc] = (_, _) => "network",
            [ResourceTypes.DbInstance] = (_, input) => input("multiAz") is true ? "rds-multi-az" : "rds-single-az",
            // Only the parameter that needs the RDS address is the secrets step; the others are written at once.
            [ResourceTypes.Parameter] = (name, _) => name.EndsWith("-postgres-url", StringComparison.Ordinal) ? "secrets" : Instant,
            [ResourceTypes.Instance] = (_, _) => "host",
            [ResourceTypes.Command] = (name, _) => name switch
            {
                // pulumi up's wait step: from the release write to the host's 'applied' report.
                _ when name.EndsWith("-release-report", StringComparison.Ordinal) => "host-apply",
                // Runs only on upgrades (an export before the switch) and after the backend (deployment variables).
                _ when name.EndsWith("-pre-upgrade-export", StringComparison.Ordinal) => Instant,
                _ when name.EndsWith("-deployment-env", StringComparison.Ordinal) => Instant,
                _ => throw new ArgumentException($"command '{name}' has no step in DeployStepMap"),
            },
            [ResourceTypes.NatGateway] = (_, _) => "nat-gateway",
            [ResourceTypes.CertificateValidation] = (_, _) => "certificate",
            [ResourceTypes.LoadBalancer] = (_, _) => "load-balancer",
            // The provider waits for the service's steady state: image pull, start, healthy targets.
            [ResourceTypes.EcsService] = (_, _) => "ecs-service",
            // The schedule is the last of the backups (it needs the task definition, the cluster and the subnets).
            [ResourceTypes.Schedule] = (_, _) => "backups",
            [ResourceTypes.MetricAlarm] = (_, _) => "monitoring",
            [ResourceTypes.Dashboard] = (_, _) => "monitoring",
            // The provider waits until RDS reports the replication REPLICATING (see the step's source).
            [ResourceTypes.DbBackupsReplication] = (_, _) => "rds-backup-replication",

            [ResourceTypes.InternetGateway] = Instantly,
            [ResourceTypes.RouteTable] = Instantly,
            [ResourceTypes.Route] = Instantly,
            [ResourceTypes.Subnet] = Instantly,
            [ResourceTypes.RouteTableAssociation] = Instantly,
            [ResourceTypes.VpcEndpoint] = Instantly,
            [ResourceTypes.SecurityGroup] = Instantly,
            [ResourceTypes.IngressRule] = Instantly,
            [ResourceTypes.EgressRule] = Instantly,
            [ResourceTypes.Eip] = Instantly,
            [ResourceTypes.DbSubnetGroup] = Instantly,
            [ResourceTypes.DbParameterGroup] = Instantly,
            [ResourceTypes.Bucket] = Instantly,
            [ResourceTypes.BucketOwnershipControls] = Instantly,
            [ResourceTypes.BucketPublicAccessBlock] = Instantly,
            [ResourceTypes.BucketEncryption] = Instantly,
            [ResourceTypes.BucketPolicy] = Instantly,
            [ResourceTypes.BucketVersioning] = Instantly,
            [ResourceTypes.BucketObjectLock] = Instantly,
            [ResourceTypes.BucketLifecycle] = Instantly,
            [ResourceTypes.BucketReplication] = Instantly,
            [ResourceTypes.SsmDocument] = Instantly,
            [ResourceTypes.KmsKey] = Instantly,
            [ResourceTypes.KmsAlias] = Instantly,
            [ResourceTypes.Role] = Instantly,
            [ResourceTypes.RolePolicy] = Instantly,
            [ResourceTypes.RolePolicyAttachment] = Instantly,
            [ResourceTypes.InstanceProfile] = Instantly,
            [ResourceTypes.Record] = Instantly,
            [ResourceTypes.HealthCheck] = Instantly,
            // The certificate is requested at once; ACM's wait is the validation's.
            [ResourceTypes.Certificate] = Instantly,
            [ResourceTypes.TargetGroup] = Instantly,
            [ResourceTypes.Listener] = Instantly,
            [ResourceTypes.ListenerRule] = Instantly,
            [ResourceTypes.EcsCluster] = Instantly,
            [ResourceTypes.TaskDefinition] = Instantly,
            [ResourceTypes.LogGroup] = Instantly,
            [ResourceTypes.EventRule] = Instantly,
            [ResourceTypes.EventTarget] = Instantly,
            [ResourceTypes.Topic] = Instantly,
            [ResourceTypes.TopicSubscription] = Instantly,
            [ResourceTypes.RandomBytes] = Instantly,
            [ResourceTypes.RandomInteger] = Instantly,
            [ResourceTypes.RandomPassword] = Instantly,
            [ResourceTypes.TlsPrivateKey] = Instantly,
            // An explicit provider (the backup copy's region) is configured, not created.
            [ResourceTypes.AwsProvider] = Instantly,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every type the map places.</summary>
    public static IReadOnlyCollection<string> Types => Rules.Keys;

    /// <summary>
    /// The step key of a resource, or <see cref="Instant"/>; false for a type the map does not know (the caller names
    /// it). <paramref name="input"/> reads one of the resource's inputs (null when absent).
    /// </summary>
    public static bool TryStep(string type, string name, Func<string, object?> input, out string step)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(input);
        if (Rules.TryGetValue(type, out var rule))
        {
            step = rule(name, input);
            return true;
        }

        step = "";
        return false;
    }

    /// <summary>
    /// The steps a resource's creation takes, one after the other: its own step, then any step that follows it at run
    /// time (<see cref="RuntimeWaits"/>) with the URNs <paramref name="urnsNamedEndingWith"/> finds for its wait. None
    /// for an instant resource; false for a type the map does not know.
    /// </summary>
    public static bool TryPhases(
        string type, string name, Func<string, object?> input, Func<string, IReadOnlyList<string>> urnsNamedEndingWith, out IReadOnlyList<SimulatedPhase> phases)
    {
        ArgumentNullException.ThrowIfNull(urnsNamedEndingWith);
        phases = [];
        if (!TryStep(type, name, input, out var step))
        {
            return false;
        }

        if (step == Instant)
        {
            return true;
        }

        var list = new List<SimulatedPhase> { new(step, []) };
        while (RuntimeWaits.TryGetValue(step, out var next))
        {
            var after = urnsNamedEndingWith(next.AfterNameEnding);
            if (after.Count == 0)
            {
                throw new ArgumentException($"'{name}' ({step}) waits at run time for a resource named *{next.AfterNameEnding}, which the run did not register");
            }

            list.Add(new SimulatedPhase(next.Then, after));
            step = next.Then;
        }

        phases = list;
        return true;
    }

    private static string Instantly(string _, Func<string, object?> __) => Instant;
}
