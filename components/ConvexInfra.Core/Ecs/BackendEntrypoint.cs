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

    public static string Script { get; } =
        "#!/usr/bin/env bash\n" +
        "# Managed by convex-infra: ECS entrypoint of the Convex backend.\n" +
        "set -euo pipefail\n" +
        "\n" +
        WaitForDatabase +
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

    /// <summary>
    /// Waits for the address, builds POSTGRES_URL and drops the variables the backend must not see (the credentials
    /// alone, the request script). The log names the parameter and the reason, never the credentials.
    /// </summary>
    private static string WaitForDatabase =>
        $"db_parameter=\"${{{DatabaseHostParameterVariable}:?{DatabaseHostParameterVariable} is not set: the task definition names the database address parameter}}\"\n" +
        $": \"${{{DatabaseCredentialsVariable}:?{DatabaseCredentialsVariable} is not set: the execution role injects the database credentials}}\"\n" +
        $": \"${{{DatabasePortVariable}:?{DatabasePortVariable} is not set}}\"\n" +
        "region=\"${AWS_REGION:?AWS_REGION is not set: the task definition sets it for the S3 storage mode}\"\n" +
        "work=\"$(mktemp -d)\"\n" +
        "aws_request=\"${work}/aws-request.mjs\"\n" +
        $"printf '%s' \"${{{AwsRequestScript.Variable}:?{AwsRequestScript.Variable} is not set: the task definition carries the request script}}\" > \"${{aws_request}}\"\n" +
        "sleeper=''\n" +
        "# No backend runs yet: a stop signal while waiting ends the task at once.\n" +
        "# shellcheck disable=SC2317 # invoked by the trap below\n" +
        "stop_waiting() {\n" +
        "  echo \"convex-infra: stopped while waiting for the database address\" >&2\n" +
        "  [[ -z ${sleeper} ]] || kill \"${sleeper}\" 2>/dev/null || true\n" +
        "  exit 0\n" +
        "}\n" +
        "trap stop_waiting TERM INT\n" +
        "db_host=''\n" +
        "reported=''\n" +
        "while true; do\n" +
        "  status=0\n" +
        "  value=\"$(node \"${aws_request}\" ssm-get-parameter --region \"${region}\" --name \"${db_parameter}\" 2>\"${work}/error\")\" || status=$?\n" +
        "  # A DNS name with at least one dot (RDS addresses have several) or an IPv4 address; anything else is not written yet.\n" +
        "  if [[ ${status} -eq 0 && ${value} =~ ^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$ ]]; then\n" +
        "    db_host=${value}\n" +
        "    break\n" +
        "  fi\n" +
        $"  if [[ ${{status}} -eq {AwsRequestScript.NotFoundExitCode} ]]; then reason='not written yet (RDS is still being created)'\n" +
        "  elif [[ ${status} -ne 0 ]]; then reason=\"$(head -n 1 \"${work}/error\")\"\n" +
        "  else reason='it holds no address yet'; fi\n" +
        "  if [[ ${reason} != \"${reported}\" ]]; then\n" +
        $"    echo \"convex-infra: waiting for the database address in SSM parameter ${{db_parameter}}: ${{reason}}; checking every {PollSeconds} s\" >&2\n" +
        "    reported=${reason}\n" +
        "  fi\n" +
        $"  sleep {PollSeconds} &\n" +
        "  sleeper=$!\n" +
        "  wait \"${sleeper}\" || true\n" +
        "  sleeper=''\n" +
        "done\n" +
        "trap - TERM INT\n" +
        "rm -rf \"${work}\"\n" +
        $"POSTGRES_URL=\"postgresql://${{{DatabaseCredentialsVariable}}}@${{db_host}}:${{{DatabasePortVariable}}}\"\n" +
        "export POSTGRES_URL\n" +
        $"unset {DatabaseCredentialsVariable} {AwsRequestScript.Variable}\n" +
        "echo \"convex-infra: database address ${db_host} found; starting the backend\" >&2\n";
}
