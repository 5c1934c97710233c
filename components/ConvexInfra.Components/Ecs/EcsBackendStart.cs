using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;
using Pulumi;
using AwsEcs = Pulumi.Aws.Ecs;
using CommandLocal = Pulumi.Command.Local;
using Ssm = Pulumi.Aws.Ssm;

namespace ConvexInfra.Components.Ecs;

/// <summary>
/// What lets the backend task start while RDS is being created: the plain parameter that receives the RDS address once
/// it exists (the task's entrypoint waits for it, <see cref="BackendEntrypoint"/>), and the one-shot step that sets the
/// service's long first-deploy grace period back once the service is steady (<see cref="GracePeriodReset"/>).
/// </summary>
internal static class EcsBackendStart
{
    /// <summary>The db-host parameter: a String (the address is not secret), written when the RDS address is known.</summary>
    public static Ssm.Parameter DatabaseHostParameter(string name, DeploymentSpec spec, Input<string> databaseHost, CustomResourceOptions child) =>
        new($"{name}-db-host", new Ssm.ParameterArgs
        {
            Name = ResourceNames.DatabaseHostParameter(spec),
            Type = "String",
            Value = databaseHost,
            Description = "RDS address of the Convex database (not secret); the ECS backend's entrypoint waits for it",
            Tags = AwsTags.For(spec, $"{name}-db-host"),
        }, child);

    /// <summary>
    /// Runs after the service's first steady state (and after the address was written, which that steady state needs):
    /// the grace period goes back to the value for upgrades. Triggered by the service's id, so a replaced service (created
    /// again with the long value) gets it again; an unchanged one never runs it twice.
    /// </summary>
    public static CommandLocal.Command ResetGracePeriod(
        string name, string region, AwsEcs.Cluster cluster, AwsEcs.Service service, Ssm.Parameter databaseHost, Resource parent) =>
        new($"{name}-grace-reset", new CommandLocal.CommandArgs
        {
            Create = GracePeriodReset.Script(),
            Interpreter = { "/bin/bash", "-c" },
            Environment =
            {
                { "REGION", region },
                { "CLUSTER", cluster.Name },
                { "SERVICE", service.Name },
                { "GRACE_SECONDS", GracePeriodReset.GraceSeconds },
            },
            Triggers = new InputList<object> { (Input<object>)service.Id.Apply(id => (object)id) },
        }, new CustomResourceOptions { Parent = parent, DependsOn = { service, databaseHost } });
}
