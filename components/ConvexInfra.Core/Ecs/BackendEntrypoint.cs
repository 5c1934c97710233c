using ConvexInfra.Core.Containers;

namespace ConvexInfra.Core.Ecs;

/// <summary>
/// The backend container's entrypoint on ECS. It fetches the RDS CA bundle to <c>PG_CA_FILE</c> (the image has
/// curl; Fargate has no host files to mount), then runs the image's own <c>./run_backend.sh</c> as a child.
/// ECS stops containers with SIGTERM, but the backend drains only on SIGINT: the script traps TERM and INT,
/// sends the child one SIGINT, waits for it and exits with the child's status.
/// </summary>
public static class BackendEntrypoint
{
    /// <summary>The image's entrypoint, relative to its WORKDIR <c>/convex</c>.</summary>
    public const string RunBackend = "./run_backend.sh";

    /// <summary>ECS runs the script as <c>bash -c TEXT</c>; no file has to exist in the image.</summary>
    public static IReadOnlyList<string> EntryPoint => ["/bin/bash", "-c", Script];

    public static string Script { get; } =
        "#!/usr/bin/env bash\n" +
        "# Managed by convex-infra: ECS entrypoint of the Convex backend.\n" +
        "set -euo pipefail\n" +
        "\n" +
        $"ca_file=\"${{PG_CA_FILE:-{ConvexEnvironment.RdsCaBundlePath}}}\"\n" +
        "mkdir -p \"$(dirname \"${ca_file}\")\"\n" +
        "# Verified TLS to RDS needs AWS's CA bundle; without it the backend could not connect, so fail the task.\n" +
        $"curl -fsS --retry 5 --retry-connrefused --max-time 60 -o \"${{ca_file}}.tmp\" \"{ConvexEnvironment.RdsCaBundleUrl}\"\n" +
        "mv \"${ca_file}.tmp\" \"${ca_file}\"\n" +
        "\n" +
        "child=''\n" +
        "stopping=0\n" +
        "interrupted=0\n" +
        "# The backend drains only on SIGINT (a second one forces exit): forward the first stop signal once.\n" +
        "# shellcheck disable=SC2317 # invoked by the trap below\n" +
        "forward_stop() {\n" +
        "  interrupted=1\n" +
        "  if [[ ${stopping} -eq 0 && -n ${child} ]]; then\n" +
        "    stopping=1\n" +
        "    kill -INT \"${child}\" 2>/dev/null || true\n" +
        "  fi\n" +
        "}\n" +
        "trap forward_stop TERM INT\n" +
        "\n" +
        "# Without job control bash starts background jobs with SIGINT ignored: give the child the default back.\n" +
        $"(trap - INT QUIT; exec {RunBackend} \"$@\") &\n" +
        "child=$!\n" +
        "\n" +
        "# A trapped signal cuts wait short (status > 128): then wait again for the child's own exit status.\n" +
        "status=0\n" +
        "while true; do\n" +
        "  interrupted=0\n" +
        "  if wait \"${child}\"; then status=0; else status=$?; fi\n" +
        "  if [[ ${interrupted} -eq 0 ]]; then\n" +
        "    break\n" +
        "  fi\n" +
        "  if ! kill -0 \"${child}\" 2>/dev/null; then\n" +
        "    # Gone already: bash kept its status unless the last wait returned it (then 127, keep ours).\n" +
        "    if wait \"${child}\" 2>/dev/null; then status=0; else last=$?; [[ ${last} -eq 127 ]] || status=${last}; fi\n" +
        "    break\n" +
        "  fi\n" +
        "done\n" +
        "exit \"${status}\"\n";
}
