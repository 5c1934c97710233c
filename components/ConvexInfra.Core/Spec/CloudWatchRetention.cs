namespace ConvexInfra.Core.Spec;

/// <summary>The retention periods a CloudWatch log group accepts; 0 means "never expire".</summary>
public static class CloudWatchRetention
{
    public static IReadOnlyList<int> AllowedDays { get; } =
        [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    public static bool IsAllowed(int days) => AllowedDays.Contains(days);

    /// <summary>The allowed value closest to <paramref name="days"/>, for a "did you mean" hint.</summary>
    public static int Nearest(int days) => AllowedDays.MinBy(allowed => Math.Abs((long)allowed - days));
}
