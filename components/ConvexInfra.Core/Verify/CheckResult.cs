namespace ConvexInfra.Core.Verify;

/// <summary>How one live check ended. Only <see cref="Fail"/> makes <c>convex-infra verify</c> exit non-zero.</summary>
public enum CheckStatus
{
    Pass,

    /// <summary>Works now but needs attention (a certificate close to expiry, a read-only key).</summary>
    Warn,

    /// <summary>Does not apply (TLS on an http:// URL, a URL that was not given).</summary>
    Skip,
    Fail,
}

/// <summary>One line of the verify report; a failure carries its likely cause and the fix.</summary>
public sealed record CheckResult(string Name, CheckStatus Status, string Detail, string? Cause = null, string? Fix = null)
{
    public static CheckResult Pass(string name, string detail) => new(name, CheckStatus.Pass, detail);

    public static CheckResult Skip(string name, string reason) => new(name, CheckStatus.Skip, reason);

    public static CheckResult Warn(string name, string detail, string cause, string fix) => new(name, CheckStatus.Warn, detail, cause, fix);

    public static CheckResult Fail(string name, string detail, string cause, string fix) => new(name, CheckStatus.Fail, detail, cause, fix);
}
