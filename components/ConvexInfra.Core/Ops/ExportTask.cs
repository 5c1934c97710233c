using System.Text;
using System.Text.Json;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>Values of one stack the export task needs; all known only once resources exist.</summary>
public sealed record ExportTaskValues(string Region, string ApiUrl, string AdminKeyParameterArn, string LogGroupName);

/// <summary>
/// The one-container Fargate task that takes a logical export. It installs the pinned Convex CLI into an empty
/// project (the CLI refuses to run without a package.json that depends on convex) and runs
/// <c>convex export --include-file-storage</c> against the public API URL. The backend stores the zip in its exports
/// bucket itself (S3 storage mode), so the task needs no S3 access; its copy in /tmp only proves the download works.
/// The admin key reaches the container through ECS <c>secrets</c> (SSM), never through the task definition.
/// </summary>
public static class ExportTask
{
    /// <summary>Exact tag: a moving tag would change the backup tool under a running stack.</summary>
    public const string NodeImage = "node:22.20.0-bookworm-slim";

    public const string ConvexCliVersion = "1.27.0";

    public const string ContainerName = "convex-export";

    /// <summary>ECS names each task's stream <c>export/convex-export/&lt;task id&gt;</c>.</summary>
    public const string StreamPrefix = "export";

    public const int Cpu = 512;

    public const int MemoryMb = 1024;

    public const string UrlVariable = "CONVEX_SELF_HOSTED_URL";

    public const string AdminKeyVariable = "CONVEX_SELF_HOSTED_ADMIN_KEY";

    /// <summary>The export task's log group, next to the stack's parameters.</summary>
    public static string LogGroupName(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"{ResourceNames.ParameterPrefix(spec)}/export";
    }

    /// <summary>The export task definition's family; a new revision of it is registered on every change.</summary>
    public static string Family(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"{ResourceNames.ResourcePrefix(spec)}-export";
    }

    /// <summary>The stack's values for <see cref="ContainerDefinitions"/>: its API URL and admin key parameter.</summary>
    public static ExportTaskValues ValuesFor(DeploymentSpec spec, AwsAccountContext account, string logGroupName)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(account);
        return new ExportTaskValues(
            account.Region,
            spec.Endpoints.ApiUrl.ToString().TrimEnd('/'),
            AwsArns.Parameter(account, ResourceNames.SecretParameters(spec).AdminKey),
            logGroupName);
    }

    /// <summary>POSIX sh (Debian's dash in the node image); fails on the first error so the task's exit code tells.</summary>
    public static string Script() =>
        """
        set -eu
        : "${CONVEX_CLI_VERSION:?set by the task definition}"
        : "${CONVEX_SELF_HOSTED_URL:?set by the task definition}"
        : "${CONVEX_SELF_HOSTED_ADMIN_KEY:?injected from SSM by the execution role}"
        workdir=$(mktemp -d)
        cd "${workdir}"
        npm init --yes >/dev/null
        npm install --no-audit --no-fund --save-exact "convex@${CONVEX_CLI_VERSION}" >/dev/null
        stamp=$(date -u +%Y%m%dT%H%M%SZ)
        npx --no-install convex export --include-file-storage --path "${workdir}/convex-export-${stamp}.zip"
        ls -l "${workdir}"/convex-export-*.zip
        """.ReplaceLineEndings("\n") + "\n";

    /// <summary>The ECS container definitions JSON (an array with one container).</summary>
    public static string ContainerDefinitions(ExportTaskValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!values.ApiUrl.StartsWith("https://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"ApiUrl: got '{values.ApiUrl}'; expected the stack's https API URL. Example: https://api.convex.example.com", nameof(values));
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStartObject();
            json.WriteString("name", ContainerName);
            json.WriteString("image", NodeImage);
            json.WriteBoolean("essential", true);
            json.WriteStartArray("command");
            json.WriteStringValue("sh");
            json.WriteStringValue("-c");
            json.WriteStringValue(Script());
            json.WriteEndArray();
            json.WriteStartArray("environment");
            WriteNameValue(json, "value", "CONVEX_CLI_VERSION", ConvexCliVersion);
            WriteNameValue(json, "value", UrlVariable, values.ApiUrl);
            WriteNameValue(json, "value", "NPM_CONFIG_UPDATE_NOTIFIER", "false");
            json.WriteEndArray();
            json.WriteStartArray("secrets");
            WriteNameValue(json, "valueFrom", AdminKeyVariable, values.AdminKeyParameterArn);
            json.WriteEndArray();
            json.WriteStartObject("logConfiguration");
            json.WriteString("logDriver", "awslogs");
            json.WriteStartObject("options");
            json.WriteString("awslogs-group", values.LogGroupName);
            json.WriteString("awslogs-region", values.Region);
            json.WriteString("awslogs-stream-prefix", StreamPrefix);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNameValue(Utf8JsonWriter json, string valueKey, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString(valueKey, value);
        json.WriteEndObject();
    }
}
