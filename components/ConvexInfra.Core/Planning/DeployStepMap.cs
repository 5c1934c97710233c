using System.Collections.Frozen;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>
/// Which step of the cold-deploy model (Data/deploy-durations.json) a registered resource is, for the mock simulation
/// of <c>pulumi up</c>. Each step's typical duration is carried by the resources that make AWS (or the host) wait: the
/// VPC for the network, the RDS instance, the POSTGRES_URL parameter for the secrets, the EC2 instance, the wait step
/// that reads the host's report, the load balancer, the certificate validation, the ECS services, the export
/// schedule, the alarms and dashboard. Every other type the program creates is an API call of seconds and listed
/// here as instant (no step). A type that is not listed has no answer (<see cref="TryPhases"/> returns false), so a
/// resource type the program starts to create fails the simulation test until it is placed here.
/// </summary>
public static class DeployStepMap
{
    /// <summary>
    /// One step of a resource's creation. <paramref name="AfterNameEnding"/> names, by the end of their names, the
    /// resources this step also waits for at run time although the engine does not see it (a task polling for a
    /// parameter another resource writes).
    /// </summary>
    public sealed record Step(string Key, string? AfterNameEnding = null);

    /// <summary>What a rule sees of a registered resource: its name, the stack's target, and its inputs (null when absent).</summary>
    public sealed record Resource(string Name, DeploymentTarget Target, Func<string, object?> Input);

    private static readonly Step[] None = [];

    /// <summary>Type → the steps of each resource of that type, one after the other (none: instant).</summary>
    private static readonly FrozenDictionary<string, Func<Resource, Step[]>> Rules =
        new Dictionary<string, Func<Resource, Step[]>>(StringComparer.Ordinal)
        {
            // The VPC carries the network step: subnets, tables, gateways and groups follow it within seconds each.
            [ResourceTypes.Vpc] = _ => [new("network")],
            [ResourceTypes.DbInstance] = r => [new(r.Input("multiAz") is true ? "rds-multi-az" : "rds-single-az")],
            // Only the parameter that needs the RDS address is the secrets step; the others are written at once.
            [ResourceTypes.Parameter] = r => r.Name.EndsWith("-postgres-url", StringComparison.Ordinal) || r.Name.EndsWith("-db-host", StringComparison.Ordinal)
                ? [new("secrets")]
                : None,
            [ResourceTypes.Instance] = _ => [new("host")],
            [ResourceTypes.Command] = r => r.Name switch
            {
                // pulumi up's wait step: from the release write to the host's 'applied' report.
                var n when n.EndsWith("-release-report", StringComparison.Ordinal) => [new("host-apply")],
                // Runs only on upgrades (an export before the switch) and after the backend (deployment variables).
                var n when n.EndsWith("-pre-upgrade-export", StringComparison.Ordinal) => None,
                var n when n.EndsWith("-deployment-env", StringComparison.Ordinal) => None,
                // Once the ECS service is steady: the first deploy's long grace period set back (one AWS CLI call).
                var n when n.EndsWith("-grace-reset", StringComparison.Ordinal) => [new("ecs-follow-up")],
                // The backup copy's RDS backups replication: started once the instance exists, not waited for.
                var n when n.EndsWith("-backup-copy-database", StringComparison.Ordinal) => [new("rds-backup-replication")],
                _ => throw new ArgumentException($"command '{r.Name}' has no step in DeployStepMap"),
            },
            [ResourceTypes.NatGateway] = _ => [new("nat-gateway")],
            [ResourceTypes.CertificateValidation] = _ => [new("certificate")],
            [ResourceTypes.LoadBalancer] = _ => [new("load-balancer")],
            // The provider waits for the service's steady state: the backend's task starts while RDS is created, and
            // its entrypoint waits for the db-host parameter before the backend starts and turns healthy. The
            // dashboard's service needs no database.
            [ResourceTypes.EcsService] = r => r.Name.EndsWith("-dashboard-service", StringComparison.Ordinal)
                ? [new("ecs-task")]
                : [new("ecs-task"), new("ecs-serving", AfterNameEnding: "-db-host")],
            // The schedule is the last of the backups (it needs the task definition, the cluster and the subnets).
            [ResourceTypes.Schedule] = _ => [new("backups")],
            [ResourceTypes.MetricAlarm] = _ => [new("monitoring")],
            // On ECS the dashboard names the service, known once the service is steady.
            [ResourceTypes.Dashboard] = r => [new(r.Target == DeploymentTarget.AwsEcs ? "ecs-follow-up" : "monitoring")],

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
    /// The steps a resource's creation takes, one after the other, with the URNs <paramref name="urnsNamedEndingWith"/>
    /// finds for a step's run-time wait; none for an instant resource; false for a type the map does not know.
    /// </summary>
    public static bool TryPhases(string type, Resource resource, Func<string, IReadOnlyList<string>> urnsNamedEndingWith, out IReadOnlyList<SimulatedPhase> phases)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(urnsNamedEndingWith);
        phases = [];
        if (!Rules.TryGetValue(type, out var rule))
        {
            return false;
        }

        phases = rule(resource).Select(step =>
        {
            if (step.AfterNameEnding is not { } ending)
            {
                return new SimulatedPhase(step.Key, []);
            }

            var after = urnsNamedEndingWith(ending);
            return after.Count > 0
                ? new SimulatedPhase(step.Key, after)
                : throw new ArgumentException($"'{resource.Name}' ({step.Key}) waits at run time for a resource named *{ending}, which the run did not register");
        }).ToList();
        return true;
    }

    private static Step[] Instantly(Resource _) => None;
}
