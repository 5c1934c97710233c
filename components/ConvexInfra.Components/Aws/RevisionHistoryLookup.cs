using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using Pulumi;
using PulumiAws = Pulumi.Aws;

namespace ConvexInfra.Components.Aws;

/// <summary>
/// Reads the revisions this stack ran from the SSM parameter the Backups component rewrites on every update, and
/// decides whether the requested revision may run. The first deploy finds no parameter and starts a history.
/// <para>
/// The read goes through the deployment's AWS provider (the options), awaited, never waited on by blocking a thread.
/// It is the one lookup in Task form: a missing parameter is the normal first-deploy answer, and an Output-form
/// invoke's failure fails the deployment even when caught, because every Output's task is registered with the
/// deployment's runner (pulumi-dotnet v3.112.1, sdk/Pulumi/Core/Output.cs, lines 430-439).
/// </para>
/// </summary>
internal static class RevisionHistoryLookup
{
    public static async Task<RevisionDecision> DecideAsync(DeploymentSpec spec, InvokeOptions options)
    {
        var history = RevisionHistory.Parse(await ReadAsync(RevisionHistory.ParameterName(spec), options).ConfigureAwait(false));
        return RevisionHistory.DecideFor(spec, history, ConvexFacts.Embedded());
    }

    private static async Task<string?> ReadAsync(string name, InvokeOptions options)
    {
        try
        {
            var parameter = await PulumiAws.Ssm.GetParameter.InvokeAsync(new PulumiAws.Ssm.GetParameterArgs { Name = name }, options).ConfigureAwait(false);
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

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsParameterNotFound))
            {
                return true;
            }
        }

        return false;
    }
}
