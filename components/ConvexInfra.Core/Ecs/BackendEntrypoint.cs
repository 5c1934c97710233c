using System.Globalization;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Containers;

namespace ConvexInfra.Core.Ecs;

/// <summary>
/// The backend container's entrypoint on ECS. The task starts while RDS is still being created (Fargate provisioning
/// and the image pull overlap RDS), so the script first waits for the database address: it reads the plain SSM
/// parameter <see cref="DatabaseHostParameterVariable"/> names with the task role (<c>aws-request.mjs
/// ssm-get-parameter</c>), every <see cref="PollSeconds"/> s while it is missing or holds no address, and joins it with
/// the injected credentials into <c>POSTGRES_URL</c>, in the process environment only. On an upgrade the parameter
/// already holds the address and the backend starts at once. Then it fetches the RDS CA bundle to <c>PG_CA_FILE</c>
/// (the image has curl; Fargate has no host files to mount) and runs the image's own <c>./run_backend.sh</c> as a child.
/// ECS stops containers with SIGTERM, but the backend drains only on SIGINT: the script traps TERM and INT,
/// sends the child one SIGINT, waits for it and exits with the child's status. A stop signal while it still waits for
/// the address ends it at once with status 0 (no backend runs yet).
/// </summary>
public static class BackendEntrypoint
{
    /// <summary>The image's entrypoint, relative to its WORKDIR <c>/convex</c>.</summary>
    public const string RunBackend = "./run_backend.sh";

    /// <summary>Plain: the name of the SSM String parameter that holds the RDS address once RDS exists.</summary>
    public const string DatabaseHostParameterVariable = "CONVEX_INFRA_DB_HOST_PARAMETER";

    /// <summary>Plain: the database port (fixed by the stack, known before RDS exists).</summary>
    public const string DatabasePortVariable = "CONVEX_INFRA_DB_PORT";

    /// <summary>Secret (injected by the execution role): <c>user:password</c>, percent-encoded (<see cref="PostgresUrl.Credentials"/>).</summary>
    public const string DatabaseCredentialsVariable = "CONVEX_INFRA_DB_CREDENTIALS";

    /// <summary>How often the entrypoint looks for the address while it is missing: one free GetParameter call each time.</summary>
    public const int PollSeconds = 2;

    /// <summary>ECS runs the script as <c>bash -c TEXT</c>; no file has to exist in the image.</summary>
    public static IReadOnlyList<string> EntryPoint => ["/bin/bash", "-c", Script];

    /// <summary>
    /// <c>convex-ecs-entrypoint.sh</c> (an embedded resource next to this class, so shellcheck and editors see plain
    /// bash) with its <c>__NAME__</c> placeholders filled from the constants above and the facts they name; a
    /// placeholder left unfilled fails here, not in a task.
    /// </summary>
    public static string Script { get; } = Render();

    private const string ResourceName = "ConvexInfra.Core.Ecs.convex-ecs-entrypoint.sh";

    private static string Render()
    {
        using var stream = typeof(BackendEntrypoint).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd().ReplaceLineEndings("\n");
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["__DB_HOST_PARAMETER_VARIABLE__"] = DatabaseHostParameterVariable,
            ["__DB_CREDENTIALS_VARIABLE__"] = DatabaseCredentialsVariable,
            ["__DB_PORT_VARIABLE__"] = DatabasePortVariable,
            ["__AWS_REQUEST_VARIABLE__"] = AwsRequestScript.Variable,
            ["__NOT_FOUND_EXIT_CODE__"] = AwsRequestScript.NotFoundExitCode.ToString(CultureInfo.InvariantCulture),
            ["__POLL_SECONDS__"] = PollSeconds.ToString(CultureInfo.InvariantCulture),
            ["__RDS_CA_BUNDLE_PATH__"] = ConvexEnvironment.RdsCaBundlePath,
            ["__RDS_CA_BUNDLE_URL__"] = ConvexEnvironment.RdsCaBundleUrl,
            ["__RUN_BACKEND__"] = RunBackend,
        };
        foreach (var (placeholder, value) in values)
        {
            text = text.Replace(placeholder, value, StringComparison.Ordinal);
        }

        var left = Regex.Match(text, "__[A-Z_]+__");
        return left.Success ? throw new InvalidOperationException($"{ResourceName}: placeholder {left.Value} has no value") : text;
    }
}
