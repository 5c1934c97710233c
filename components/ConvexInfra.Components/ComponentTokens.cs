namespace ConvexInfra.Components;

/// <summary>Type tokens of our components: <c>convex-infra:&lt;module&gt;:&lt;Type&gt;</c>.</summary>
public static class ComponentTokens
{
    public const string ConvexDeployment = "convex-infra:index:ConvexDeployment";
    public const string Network = "convex-infra:aws:Network";
    public const string Storage = "convex-infra:aws:Storage";
    public const string Database = "convex-infra:aws:Database";
    public const string Secrets = "convex-infra:aws:Secrets";
    public const string Ec2Host = "convex-infra:aws:Ec2Host";
    public const string Monitoring = "convex-infra:ops:Monitoring";
    public const string Backups = "convex-infra:ops:Backups";
    public const string BackupCopy = "convex-infra:ops:BackupCopy";
    public const string EcsService = "convex-infra:aws:EcsService";
    public const string LoadBalancer = "convex-infra:aws:LoadBalancer";
}
