using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rendering;

/// <summary>
/// One part of the host tooling as stored in its SSM parameter: base64 of gzip of a compact JSON document, and the
/// sha256 of that JSON (what the release names and the host checks). Part 1 always holds <c>convex-release</c>.
/// </summary>
public sealed record HostToolingPart(int Number, string Parameter, string ParameterValue, string Json, string Sha256, IReadOnlyList<RenderedFile> Files)
{
    public string Version => Sha256[..12];
}

/// <summary>
/// The whole host tooling: its parts in order. <see cref="Sha256"/> and <see cref="ParameterValue"/> are part 1's,
/// the part the release's <c>host.tooling</c> names (and user data's bootstrap reads) exactly as before parts
/// existed, so a host still running a single-part convex-release installs the new convex-release from it.
/// </summary>
public sealed record HostToolingBundle(IReadOnlyList<HostToolingPart> Parts)
{
    public HostToolingPart First => Parts[0];

    public string Sha256 => First.Sha256;

    public string ParameterValue => First.ParameterValue;

    /// <summary>What the host records once every part is installed: the parts' sha256s, space-separated.</summary>
    public string InstalledId => string.Join(' ', Parts.Select(p => p.Sha256));

    public string Version => HostRelease.Sha256Hex(InstalledId)[..12];

    public IReadOnlyList<RenderedFile> Files => [.. Parts.SelectMany(p => p.Files)];
}

/// <summary>
/// Everything the EC2 host runs besides the containers: <c>convex-release</c>, <c>convex-host-setup</c>, their
/// systemd units and the security-update configuration. It travels in its own SSM parameters (together the scripts
/// outgrow one parameter, so they are split into parts) and the release names it by sha256, so a change to any script changes the
/// release, never the user data. The host installs it before it applies the release.
/// </summary>
public static class HostTooling
{
    public const int FormatVersion = 1;

    /// <summary>
    /// The most a part may pack to: the SSM limit less a margin, so a small change to a script or a longer stack name
    /// moves a file to the next part instead of failing a deploy at the limit.
    /// </summary>
    public const int PartMaxBytes = HostRelease.MaxBytes - 256;

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
            new(HostLayout.MetricsRelayScriptPath, Ops.MetricsRelay.Script, "0644"),
            new(Ops.CloudWatchAgentConfig.HostAgentConfigPath, Ops.CloudWatchAgentConfig.AgentJson(spec, Ops.CloudWatchAgentConfig.HostPrometheusConfigPath), "0644"),
            new(Ops.CloudWatchAgentConfig.HostPrometheusConfigPath, Ops.CloudWatchAgentConfig.PrometheusYaml(spec), "0644"),
        ];
    }

    public static HostToolingBundle Render(DeploymentSpec spec) => Render(spec, Files(spec));

    /// <summary>
    /// A host script as shipped: without comment lines (the shebang and shellcheck directives stay) and without
    /// indentation. Each tooling part must fit one SSM parameter (<see cref="HostRelease.MaxBytes"/> after gzip and
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

    /// <summary>
    /// Packs <paramref name="files"/> into parts (tests pass a modified script to prove what a change reaches). Files
    /// keep their order and fill part 1 first (convex-release must come first: the bootstrap reads it from part 1);
    /// a file that does not fit the current part starts the next one. Deterministic for the same files.
    /// </summary>
    public static HostToolingBundle Render(DeploymentSpec spec, IReadOnlyList<RenderedFile> files)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0 || files[0].Path != HostLayout.ReleaseScriptPath)
        {
            throw new ArgumentException($"the host tooling must start with {HostLayout.ReleaseScriptPath}: the bootstrap reads it from part 1", nameof(files));
        }

        var parts = new List<HostToolingPart>();
        var current = new List<RenderedFile>();
        foreach (var file in files)
        {
            if (current.Count > 0 && Pack([.. current, file]).Value.Length > PartMaxBytes)
            {
                parts.Add(Part(parts.Count + 1, ResourceNames.HostToolingParameter(spec, parts.Count + 1), current));
                current = [];
            }

            current.Add(file);
        }

        parts.Add(Part(parts.Count + 1, ResourceNames.HostToolingParameter(spec, parts.Count + 1), current));
        return new HostToolingBundle(parts);
    }

    private static HostToolingPart Part(int number, string parameter, List<RenderedFile> files)
    {
        var (value, text) = Pack(files);
        if (value.Length > PartMaxBytes)
        {
            throw new InvalidOperationException(
                $"host tooling file {files[^1].Path} packs alone to {value.Length} bytes; a part of the host tooling holds at most " +
                $"{PartMaxBytes} ({HostRelease.MaxBytes}, the SSM limit, less a margin): shorten the file or split it in two");
        }

        return new HostToolingPart(number, parameter, value, text, HostRelease.Sha256Hex(text), files);
    }

    /// <summary>base64 of gzip of the compact JSON of <paramref name="files"/>, and that JSON.</summary>
    private static (string Value, string Text) Pack(IReadOnlyList<RenderedFile> files)
    {
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

        return (Convert.ToBase64String(packed.ToArray()), text);
    }

    /// <summary>The SSM parameters of the spec's tooling parts, part 1 first (part 1 keeps the original name).</summary>
    public static IReadOnlyList<string> Parameters(DeploymentSpec spec) => [.. Render(spec).Parts.Select(p => p.Parameter)];
}
