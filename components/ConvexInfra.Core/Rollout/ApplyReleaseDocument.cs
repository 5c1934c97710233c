using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rollout;

/// <summary>
/// The stack's own SSM Command document that <c>pulumi up</c>'s wait step sends (SSM Run Command) right after it wrote
/// a release, so the host applies it within seconds instead of at its next timer tick (up to a minute). It takes no
/// parameters and runs one fixed command: starting <c>convex-release.service</c> without waiting (<c>--no-block</c>;
/// the wait step reads the outcome from the status parameter). Whoever may send it can only make the host apply the
/// release already in SSM, which the timer would do anyway; the CI role may send no other document (least privilege:
/// not <c>AWS-RunShellScript</c>, which runs anything). Run Command costs nothing on EC2 and reaches the host through
/// the SSM agent's message channel it already has for Session Manager (<c>ec2messages:*</c>).
/// Why not a shorter timer: every tick runs the AWS CLI (a few hundred ms of CPU on a burstable instance) and reads the
/// release parameter, which is advanced-tier once the release outgrows 4 KB ($0.05 per 10,000 reads: polling every
/// 5 s is about $2.6 a month per stack), for a wait that happens only during deploys.
/// </summary>
public static class ApplyReleaseDocument
{
    /// <summary>The command the document runs on the host (the release unit is part of the host tooling).</summary>
    public static string Command => $"systemctl start --no-block {SystemdUnits.ServiceName}";

    public static string Name(DeploymentSpec spec) => $"{ResourceNames.ResourcePrefix(spec)}-apply-release";

    /// <summary>The document (schema 2.2, one aws:runShellScript step, no parameters) as JSON.</summary>
    public static string Content() =>
        "{\n" +
        "  \"schemaVersion\": \"2.2\",\n" +
        "  \"description\": \"convex-infra: apply the release in SSM now (the host's timer would within a minute). No parameters: it can only start convex-release.\",\n" +
        "  \"mainSteps\": [\n" +
        "    {\n" +
        "      \"action\": \"aws:runShellScript\",\n" +
        "      \"name\": \"applyRelease\",\n" +
        "      \"inputs\": {\n" +
        "        \"timeoutSeconds\": \"60\",\n" +
        $"        \"runCommand\": [\"{Command}\"]\n" +
        "      }\n" +
        "    }\n" +
        "  ]\n" +
        "}\n";
}
