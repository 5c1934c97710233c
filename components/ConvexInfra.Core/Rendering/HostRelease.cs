using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rendering;

/// <summary>The release JSON and the sha256 of its exact UTF-8 text (what convex-release compares).</summary>
public sealed record HostReleaseBundle(string Json, string Sha256);

/// <summary>
/// One release of the EC2 host, stored in the plain SSM parameter <c>ResourceNames.ReleaseParameter</c>:
/// the image revision, the files under /etc/convex, and the NAMES (and SSM versions) of the SecureString
/// parameters the host decrypts into backend.secrets.env. Image and environment changes reach the host through this
/// parameter alone, so the instance and its user data stay untouched.
/// </summary>
public static class HostRelease
{
    public const int FormatVersion = 2;

    /// <summary>SSM's advanced-tier limit; a release must always fit.</summary>
    public const int MaxBytes = 8192;

    /// <summary>SSM's standard-tier limit (free); tests report whether releases still fit it.</summary>
    public const int StandardTierMaxBytes = 4096;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Compact, and no \u003C-style escaping of harmless characters: every byte counts against the limit.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <param name="secretVersions">
    /// The SSM versions of the secret parameters, written next to each parameter's name: a changed value gives a new
    /// release, so the host re-reads it, and the release exists only once the new version does. Null leaves them out;
    /// the offline plan passes a first deploy's versions.
    /// </param>
    /// <param name="tooling">The host tooling the release names (default: rendered from the spec).</param>
    public static HostReleaseBundle Render(DeploymentSpec spec, AwsRuntimeValues aws, SecretParameterVersions? secretVersions = null, HostToolingBundle? tooling = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(aws);
        var environment = ConvexEnvironment.Backend(spec, aws);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("format", FormatVersion);
            json.WriteString("stack", spec.StackName);
            json.WriteString("revision", spec.ImageRevision);
            // Rotating the instance secret changes no file, so the counter makes the host re-read the secrets.
            json.WriteNumber("secretsVersion", spec.Rotation.InstanceSecretVersion);
            WriteHost(json, spec, tooling ?? HostTooling.Render(spec));
            json.WriteStartArray("files");
            foreach (var file in Files(spec, aws))
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteString("mode", file.Permissions);
                json.WriteString("content", file.Content);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("secrets");
            foreach (var secret in environment.Secrets)
            {
                json.WriteStartObject();
                json.WriteString("name", secret.Name);
                json.WriteString("parameter", ParameterFor(secret.Kind, aws.Parameters));
                if (secretVersions is not null)
                {
                    json.WriteNumber("version", secretVersions.For(secret.Kind));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var size = Encoding.UTF8.GetByteCount(text);
        if (size > MaxBytes)
        {
            throw new InvalidOperationException(
                $"the host release for stack {spec.StackName} is {size} bytes; an SSM parameter holds at most {MaxBytes}");
        }

        return new HostReleaseBundle(text, Sha256Hex(text));
    }

    /// <summary>The release's files, with paths relative to <see cref="HostLayout.ConfigDir"/>. Env files are root-only.</summary>
    public static IReadOnlyList<RenderedFile> Files(DeploymentSpec spec, AwsRuntimeValues aws)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return
        [
            new(HostLayout.ComposeFileName, ComposeFile.Render(spec, aws), "0644"),
            new(HostLayout.CaddyfileName, Caddyfile.Render(spec), "0644"),
            new(HostLayout.BackendEnvName, EnvFile.Render(ConvexEnvironment.Backend(spec, aws).Plain), "0600"),
        ];
    }

    /// <summary>How the host reports, how long a new backend may take, and which host tooling parts (by sha256) run the release.</summary>
    private static void WriteHost(Utf8JsonWriter json, DeploymentSpec spec, HostToolingBundle tooling)
    {
        json.WriteStartObject("host");
        json.WriteString("statusParameter", ResourceNames.HostStatusParameter(spec));
        json.WriteString("metricNamespace", HostStatus.MetricNamespace);
        json.WriteString("metricStack", ResourceNames.ResourcePrefix(spec));
        json.WriteNumber("healthTimeoutSeconds", spec.Rollout.BackendHealthTimeoutSeconds);
        // Part 1 exactly where a single-part convex-release looks for the tooling: it installs the new convex-release
        // from it, which then installs the further parts listed next.
        json.WriteStartObject("tooling");
        json.WriteString("parameter", tooling.First.Parameter);
        json.WriteString("sha256", tooling.First.Sha256);
        json.WriteEndObject();
        json.WriteStartArray("toolingParts");
        foreach (var part in tooling.Parts.Skip(1))
        {
            json.WriteStartObject();
            json.WriteString("parameter", part.Parameter);
            json.WriteString("sha256", part.Sha256);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string ParameterFor(SecretKind kind, SecretParameterNames parameters) => kind switch
    {
        SecretKind.InstanceSecret => parameters.InstanceSecret,
        SecretKind.PostgresUrl => parameters.PostgresUrl,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no SSM parameter for this secret kind"),
    };
}
