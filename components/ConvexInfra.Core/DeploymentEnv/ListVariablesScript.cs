namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>
/// The one program both exporters (the AWS export task, <see cref="Ops.ExportTask"/>, and the local exporter container,
/// convex-local-exports.sh) use to store a deployment's variables: Node ESM (global fetch) that prints them as one JSON
/// object of name → value (<see cref="DesiredEnvJson"/>, what restore reads) on standard output, the count on standard
/// error. Not <c>npx convex env list</c>: the pinned CLI prints <c>NAME=value</c> raw (convex 1.27.0 src/cli/lib/env.ts,
/// envListInDeployment), so a value with a newline (a PEM key) cannot be read back. Calls the system query through
/// <c>POST /api/query</c> with the admin key, as <see cref="DeploymentEnvClient"/> does, reading
/// <c>CONVEX_SELF_HOSTED_URL</c> and <c>CONVEX_SELF_HOSTED_ADMIN_KEY</c> from the environment; values never reach an
/// argument or the log.
/// </summary>
public static class ListVariablesScript
{
    /// <summary>The environment variable that carries <see cref="Text"/> into the local exporter container.</summary>
    public const string Variable = "CONVEX_INFRA_LIST_VARIABLES";

    /// <summary>The script; it holds no single quote, so the export task passes it to <c>node -e</c> in single quotes.</summary>
    public static string Text { get; } =
        """
        const response = await fetch(process.env.CONVEX_SELF_HOSTED_URL.replace(/\/+$/, "") + "/api/query", {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: "Convex " + process.env.CONVEX_SELF_HOSTED_ADMIN_KEY },
          body: JSON.stringify({ path: "__LIST_FUNCTION__", args: [{}], format: "convex_encoded_json" }),
        });
        const answer = await response.json().catch(() => null);
        if (!response.ok || answer === null || answer.status !== "success" || !Array.isArray(answer.value)) {
          console.error("listing the deployment variables failed: HTTP " + response.status + (answer && answer.code ? " " + answer.code : ""));
          process.exit(1);
        }
        const variables = {};
        for (const { name, value } of answer.value) variables[name] = value;
        process.stdout.write(JSON.stringify(variables));
        console.error("listed " + answer.value.length + " deployment variable(s)");
        """.ReplaceLineEndings("\n").Replace("__LIST_FUNCTION__", DeploymentEnvClient.ListFunction, StringComparison.Ordinal);
}
