using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>
/// Values of one stack the export task needs; all known only once resources exist. <paramref name="ExportsBucket"/> and
/// <paramref name="StackKeyArn"/>: where and with which key the task stores the deployment variables.
/// </summary>
public sealed record ExportTaskValues(string Region, string ApiUrl, string AdminKeyParameterArn, string LogGroupName, string ExportsBucket, string StackKeyArn);

/// <summary>
/// The one-container Fargate task that takes a logical export. It installs the Convex CLI into an empty project (the
/// CLI refuses to run without a package.json that depends on convex) from the committed lockfile
/// (Data/ExportCli/package-lock.json: every package's version and sha512 integrity) with <c>npm ci --ignore-scripts</c>,
/// so no floating version and no lifecycle script runs next to the admin key, and runs
/// <c>convex export --include-file-storage</c> against the public API URL. The backend stores the zip in its exports
/// bucket itself (S3 storage mode); the task's copy in /tmp only proves the download works.
/// After a successful export it stores the deployment's environment variables beside it (an export has none):
/// <see cref="DeploymentEnvScript"/>. The admin key reaches the container through ECS <c>secrets</c> (SSM), never
/// through the task definition.
/// </summary>
public static class ExportTask
{
    /// <summary>
    /// Tag for people, digest for the registry: the multi-architecture index digest of node:22.20.0-bookworm-slim
    /// (the same digest pinned in several public Dockerfiles, one noting it was checked against Docker Hub on
    /// 2026-09-19). A retagged image cannot reach a container that holds the admin key; a new Node means a new digest
    /// here (docker buildx imagetools inspect node:&lt;tag&gt;).
    /// </summary>
    public const string NodeImage = "node:22.20.0-bookworm-slim@sha256:b21fe589dfbe5cc39365d0544b9be3f1f33f55f3c86c87a76ff65a02f8f5848e";

    /// <summary>The version the lockfile pins (a test compares the two; the task checks it after installing).</summary>
    public const string ConvexCliVersion = "1.27.0";

    /// <summary>Environment variables that carry the committed package.json and package-lock.json into the task.</summary>
    public const string PackageJsonVariable = "EXPORT_PACKAGE_JSON";

    public const string PackageLockVariable = "EXPORT_PACKAGE_LOCK";

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

    /// <summary>The stack's values for <see cref="ContainerDefinitions"/>: its API URL and admin key parameter, the exports bucket and the stack key.</summary>
    public static ExportTaskValues ValuesFor(DeploymentSpec spec, AwsAccountContext account, string logGroupName, string exportsBucket, string stackKeyArn)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(account);
        return new ExportTaskValues(
            account.Region,
            spec.Endpoints.ApiUrl.ToString().TrimEnd('/'),
            AwsArns.Parameter(account, ResourceNames.SecretParameters(spec).AdminKey),
            logGroupName,
            exportsBucket,
            AwsArns.RequireKmsKeyArn(account, stackKeyArn));
    }

    /// <summary>The variables that tell the task where to store the deployment variables (set by the task definition).</summary>
    public const string RegionVariable = "EXPORT_REGION";

    public const string BucketVariable = "EXPORTS_BUCKET";

    public const string KeyVariable = "STACK_KEY_ARN";

    /// <summary>aws-request.mjs, written into the task's private temp dir (the script's working directory), not a shared /tmp path.</summary>
    private const string RequestScriptFile = "aws-request.mjs";

    /// <summary>Exit status when the export succeeded but the deployment variables could not be stored.</summary>
    public const int EnvStoreFailedExitCode = 4;

    /// <summary>POSIX sh (Debian's dash in the node image); fails on the first error so the task's exit code tells.</summary>
    public static string Script() =>
        """
        set -eu
        : "${CONVEX_CLI_VERSION:?set by the task definition}"
        : "${EXPORT_PACKAGE_JSON:?set by the task definition}"
        : "${EXPORT_PACKAGE_LOCK:?set by the task definition}"
        : "${CONVEX_SELF_HOSTED_URL:?set by the task definition}"
        : "${CONVEX_SELF_HOSTED_ADMIN_KEY:?injected from SSM by the execution role}"
        : "${EXPORT_REGION:?set by the task definition}"
        : "${EXPORTS_BUCKET:?set by the task definition}"
        : "${STACK_KEY_ARN:?set by the task definition}"
        : "${__AWS_REQUEST_VARIABLE__:?set by the task definition}"
        workdir=$(mktemp -d)
        cd "${workdir}"
        printf '%s\n' "${EXPORT_PACKAGE_JSON}" > package.json
        printf '%s\n' "${EXPORT_PACKAGE_LOCK}" > package-lock.json
        # Exactly the locked tree, each tarball checked against its sha512; no install, preinstall or postinstall script.
        npm ci --ignore-scripts --no-audit --no-fund >/dev/null
        installed=$(npx --no-install convex --version)
        if [ "${installed}" != "${CONVEX_CLI_VERSION}" ]; then
          echo "convex CLI ${installed} installed, ${CONVEX_CLI_VERSION} expected: the lockfile and the task disagree" >&2
          exit 2
        fi
        stamp=$(date -u +%Y%m%dT%H%M%SZ)
        npx --no-install convex export --include-file-storage --path "${workdir}/convex-export-${stamp}.zip"
        ls -l "${workdir}"/convex-export-*.zip
        """.ReplaceLineEndings("\n").Replace("__AWS_REQUEST_VARIABLE__", AwsRequestScript.Variable, StringComparison.Ordinal) + "\n" + DeploymentEnvScript();

    /// <summary>
    /// The second half of <see cref="Script"/>, run only after the export succeeded (<c>set -e</c>): lists the deployment
    /// variables as <c>npx convex env list</c> does (the system query through <c>POST /api/query</c> with the admin key,
    /// the same call as Core's <see cref="DeploymentEnv.DeploymentEnvClient"/>), writes them as one JSON object of
    /// name → value (<see cref="DeploymentEnv.DesiredEnvJson"/>, what <c>restore --deployment-env latest</c> reads) into
    /// a 0600 file of the task's private temp dir, and uploads that file with <c>aws-request.mjs s3-put</c>, SSE-KMS with
    /// the stack key and no S3 Bucket Key (so KMS sees the object's ARN as its encryption context, which the key policy
    /// requires). The listing is <see cref="DeploymentEnv.ListVariablesScript"/>, shared with the local exporter. Values
    /// never reach an argument, standard output or the log; only the count and the object's address are printed.
    /// </summary>
    public static string DeploymentEnvScript() =>
        """
        umask 077
        env_file="${workdir}/deployment-env.json"
        node --input-type=module -e '__LIST_VARIABLES__' > "${env_file}"
        key="__PREFIX__deployment-env-${stamp}.json"
        __INSTALL__
        if ! node __SCRIPT_PATH__ s3-put --region "${EXPORT_REGION}" --bucket "${EXPORTS_BUCKET}" --key "${key}" \
          --file "${env_file}" --sse-kms-key-id "${STACK_KEY_ARN}" --no-bucket-key; then
          echo "the export succeeded, but storing the deployment variables at s3://${EXPORTS_BUCKET}/${key} failed (see the line above)" >&2
          exit __STORE_FAILED__
        fi
        echo "stored the deployment variables at s3://${EXPORTS_BUCKET}/${key} (SSE-KMS, stack key)"
        """.ReplaceLineEndings("\n")
            .Replace("__LIST_VARIABLES__", DeploymentEnv.ListVariablesScript.Text, StringComparison.Ordinal)
            .Replace("__PREFIX__", Backup.DeploymentEnvBackup.Prefix, StringComparison.Ordinal)
            .Replace("__INSTALL__", AwsRequestScript.Install(RequestScriptFile), StringComparison.Ordinal)
            .Replace("__SCRIPT_PATH__", RequestScriptFile, StringComparison.Ordinal)
            .Replace("__STORE_FAILED__", EnvStoreFailedExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) + "\n";

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
            WriteNameValue(json, "value", PackageJsonVariable, PackageJson());
            WriteNameValue(json, "value", PackageLockVariable, PackageLock());
            WriteNameValue(json, "value", "NPM_CONFIG_IGNORE_SCRIPTS", "true");
            WriteNameValue(json, "value", "NPM_CONFIG_UPDATE_NOTIFIER", "false");
            WriteNameValue(json, "value", RegionVariable, values.Region);
            WriteNameValue(json, "value", BucketVariable, values.ExportsBucket);
            WriteNameValue(json, "value", KeyVariable, values.StackKeyArn);
            WriteNameValue(json, "value", AwsRequestScript.Variable, AwsRequestScript.Text);
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

    /// <summary>The committed package.json of the export project (depends on convex at <see cref="ConvexCliVersion"/>).</summary>
    public static string PackageJson() => Compact(Embedded("package.json"));

    /// <summary>The committed lockfile, compacted (the task definition has a 64 KiB limit; npm reads any JSON layout).</summary>
    public static string PackageLock() => Compact(Embedded("package-lock.json"));

    // Relaxed: the lockfile's sha512 values keep their '+' and '/' instead of \u002B escapes (ASCII only either way).
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Embedded(string file)
    {
        var assembly = typeof(ExportTask).Assembly;
        var name = assembly.GetManifestResourceNames().Single(r => r.EndsWith($".Data.ExportCli.{file}", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"embedded {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement, CompactJson);
    }

    private static void WriteNameValue(Utf8JsonWriter json, string valueKey, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString(valueKey, value);
        json.WriteEndObject();
    }
}
