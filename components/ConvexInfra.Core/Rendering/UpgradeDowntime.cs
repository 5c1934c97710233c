namespace ConvexInfra.Core.Rendering;

/// <summary>
/// The one home of the EC2 upgrade-downtime figure the README, docs/render.md and docs/aws.md quote (DocFigures key
/// <c>ec2-upgrade-downtime</c>): from compose stopping the old backend to the first <c>/version</c> answer of the new one.
/// Stop with SIGINT (1–5 s typically), container create and start plus the backend's own startup (5–20 s), and the
/// release script's poll (up to <see cref="ReleaseScript.HealthPollSeconds"/> s); migrations of a large database add
/// to it. An estimate from how the scripts sequence the steps, not a measurement of a real host.
/// </summary>
public static class UpgradeDowntime
{
    public const int TypicalLowSeconds = 10;
    public const int TypicalHighSeconds = 30;

    public static string Range => $"{TypicalLowSeconds}–{TypicalHighSeconds} s";
}
