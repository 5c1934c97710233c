namespace ConvexInfra.Core.Spec;

/// <summary>Where a stack runs Convex.</summary>
public enum DeploymentTarget
{
    AwsEc2,
    AwsEcs,
    Local,
}

/// <summary>How much a stack is worth protecting; sets the defaults for protection, retention and sizes.</summary>
public enum Tier
{
    Dev,
    Staging,
    Prod,
}

/// <summary>The backend's persistence: SQLite on the data volume, or PostgreSQL (RDS on AWS, a container locally).</summary>
public enum DatabaseEngine
{
    Sqlite,
    Postgres,
}

/// <summary>Where ECS tasks live: public subnets with public IPs (no NAT cost) or private subnets behind a NAT gateway.</summary>
public enum EcsSubnetPlacement
{
    Public,
    PrivateWithNat,
}

public static class SpecEnumNames
{
    public static string ConfigName(this DeploymentTarget target) => target switch
    {
        DeploymentTarget.AwsEc2 => "aws-ec2",
        DeploymentTarget.AwsEcs => "aws-ecs",
        DeploymentTarget.Local => "local",
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };

    public static string ConfigName(this Tier tier) => tier switch
    {
        Tier.Dev => "dev",
        Tier.Staging => "staging",
        Tier.Prod => "prod",
        _ => throw new ArgumentOutOfRangeException(nameof(tier)),
    };

    public static string ConfigName(this DatabaseEngine engine) => engine switch
    {
        DatabaseEngine.Sqlite => "sqlite",
        DatabaseEngine.Postgres => "postgres",
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };

    public static string ConfigName(this EcsSubnetPlacement placement) => placement switch
    {
        EcsSubnetPlacement.Public => "public",
        EcsSubnetPlacement.PrivateWithNat => "private",
        _ => throw new ArgumentOutOfRangeException(nameof(placement)),
    };

    public static bool IsAws(this DeploymentTarget target) => target is DeploymentTarget.AwsEc2 or DeploymentTarget.AwsEcs;
}
