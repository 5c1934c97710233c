using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rendering;

/// <summary>
/// The host tooling as stored in its SSM parameter: base64 of gzip of a compact JSON document, and the sha256 of
/// that JSON (what the release names and the host checks). The version is the first 12 hex digits of the sha256.
/// </summary>
public sealed record HostToolingBundle(string ParameterValue, string Json, string Sha256, IReadOnlyList<RenderedFile> Files)
{
    public string Version => Sha256[..12];
}

/// <summary>
/// Everything the EC2 host runs besides the containers: <c>convex-release</c>, <c>convex-host-setup</c>, their
/// systemd units and the security-update configuration. It travels in its own SSM parameter (together the scripts
/// outgrow one release parameter) and the release names it by sha256, so a change to any script changes the
/// release, never the user data. The host installs it before it applies the release.
/// </summary>
public static class HostTooling
{
    public const int FormatVersion = 1;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Every file of the tooling, with absolute host paths (the scripts <see cref="Compact"/>).</summary>
    public static IReadOnlyList<RenderedFile> Files(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return
        [
            new(HostLayout.ReleaseScriptPath, Compact(ReleaseScript.Text), "0755"),
            new(HostLayout.HostSetupScriptPath, Compact(HostSetupScript.Text), "0755"),
            new(HostLayout.ContainerFirewallScriptPath, Compact(ContainerFirewall.ScriptText), "0755"),
            ContainerFirewall.Unit(),
            .. SystemdUnits.Render(spec),
            .. SystemdUnits.Patching(spec),
        ];
    }

    public static HostToolingBundle Render(DeploymentSpec spec) => Render(Files(spec));

    /// <summary>
    /// A host script as shipped: without comment lines (the shebang and shellcheck directives stay) and without
    /// indentation. The whole tooling must fit one SSM parameter (<see cref="HostRelease.MaxBytes"/> after gzip and
    /// base64); comments and indentation are for readers of the source. Safe for scripts without heredocs whose
    /// multi-line strings (jq and awk programs) ignore indentation and hold no line starting with '#'; the tests
    /// run, and shellcheck, the compacted text.
    /// </summary>
    public static string Compact(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        if (script.Contains("<<-", StringComparison.Ordinal) || script.Replace("<<<", "", StringComparison.Ordinal).Contains("<<", StringComparison.Ordinal))
        {
            throw new ArgumentException("a heredoc would change meaning without its indentation; keep host scripts free of heredocs", nameof(script));
        }

        var lines = script.Split('\n').Select((line, index) => index == 0 ? line : line.TrimStart(' '));
        return string.Join('\n', lines.Where((line, index) =>
            index == 0 || !line.StartsWith('#') || line.StartsWith("# shellcheck ", StringComparison.Ordinal)));
    }

    /// <summary>Packs <paramref name="files"/> (tests pass a modified script to prove what a change reaches).</summary>
    public static HostToolingBundle Render(IReadOnlyList<RenderedFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("format", FormatVersion);
            json.WriteStartArray("files");
            foreach (var file in files)
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteString("mode", file.Permissions);
                json.WriteString("content", file.Content);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray());
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        var value = Convert.ToBase64String(packed.ToArray());
        if (value.Length > HostRelease.MaxBytes)
        {
            throw new InvalidOperationException($"the host tooling packs to {value.Length} bytes; an SSM parameter holds at most {HostRelease.MaxBytes}");
        }

        return new HostToolingBundle(value, text, HostRelease.Sha256Hex(text), files);
    }

    public static string Parameter(DeploymentSpec spec) => ResourceNames.HostToolingParameter(spec);
}
