using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using PulumiAws = Pulumi.Aws;

namespace ConvexInfra.Components.Aws;

/// <summary>
/// Reads the revisions this stack ran from the SSM parameter the Backups component rewrites on every update, and
/// decides whether the requested revision may run. The first deploy finds no parameter and starts a history.
/// </summary>
internal static class RevisionHistoryLookup
{
    public static async Task<RevisionDecision> DecideAsync(DeploymentSpec spec)
    {
        var history = RevisionHistory.Parse(await ReadAsync(RevisionHistory.ParameterName(spec)).ConfigureAwait(false));
        return RevisionHistory.Decide(history, spec.ImageRevision, spec.Extensions.AllowRevisionDowngrade);
    }

    private static async Task<string?> ReadAsync(string name)
    {
        try
        {
            var parameter = await PulumiAws.Ssm.GetParameter.InvokeAsync(new PulumiAws.Ssm.GetParameterArgs { Name = name }).ConfigureAwait(false);
            return parameter.Value;
        }
        catch (Exception e) when (IsParameterNotFound(e))
        {
            return null;
        }
    }

    /// <summary>The provider reports a missing parameter as an invoke error whose text carries the SSM error code.</summary>
    private static bool IsParameterNotFound(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains("ParameterNotFound", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
