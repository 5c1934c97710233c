using System.Globalization;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Tools;

/// <summary>
/// A directory standing in for the EC2 host: the REAL rendered convex-release script and host.env, with
/// fake <c>aws</c>, <c>docker-compose</c>, <c>docker</c>, <c>curl</c>, <c>systemctl</c> and <c>iptables</c> first on PATH.
/// The fakes record their arguments in calls.log; <c>docker-compose config</c> is passed to the real
/// docker-compose (v1) so the staged files are validated for real.
/// </summary>
public sealed class FakeHost : IDisposable
{
    private readonly TempDir _dir = new();

    public FakeHost(DeploymentSpec spec, AwsRuntimeValues aws, bool toolingInstalled = true)
    {
        Spec = spec;
        Aws = aws;
        Directory.CreateDirectory(Root);
        foreach (var file in HostBootstrap.Files(spec, aws.Region))
        {
            WriteRooted(file);
        }

        if (toolingInstalled)
        {
            // What convex-bootstrap and a first convex-release leave behind: the tooling files and their sha256.
            var tooling = HostTooling.Render(spec);
            foreach (var file in tooling.Files)
            {
                WriteRooted(file);
            }

            _dir.Write("root/var/lib/convex/tooling.sha256", tooling.InstalledId + "\n");
        }

        WriteFake("aws", FakeHostTools.Aws);
        WriteFake("docker-compose", FakeHostTools.DockerCompose);
        WriteFake("docker", FakeHostTools.Docker);
        WriteFake("mv", FakeHostTools.Mv);
        WriteFake("curl", FakeHostTools.Curl);
        WriteFake("iptables", FakeIptables);
        WriteFake("systemctl", FakeHostTools.Systemctl);
        foreach (var recorder in new[] { "dnf", "sleep" })
        {
            WriteFake(recorder, FakeHostTools.Recorder(recorder));
        }

        // What the pinned agent package installs (convex-host-setup calls it by its absolute path below the root).
        WriteRooted(new RenderedFile(HostLayout.CloudWatchAgentCtlPath, FakeHostTools.Recorder("amazon-cloudwatch-agent-ctl") + "\n", "0755"));
    }

    /// <summary>
    /// Records every call and keeps the filter table's chains in iptables/&lt;chain&gt; (one rule per line, as
    /// <c>iptables -S</c> prints it after <c>-A CHAIN</c>): -w, -n, -L, -N, -S, -C, -I [position], -A and -D behave
    /// like the real tool for exact rule texts.
    /// </summary>
    internal const string FakeIptables = """
        #!/usr/bin/env bash
        set -euo pipefail
        printf 'iptables %s\n' "$*" >>"$FAKE_DIR/calls.log"
        dir="$FAKE_DIR/iptables"
        mkdir -p "$dir"
        args=()
        for arg in "$@"; do
          [[ "$arg" == -w || "$arg" == -n ]] || args+=("$arg")
        done
        op=${args[0]} chain=${args[1]}
        file="$dir/$chain"
        case "$op" in
          -N)
            [[ ! -f "$file" ]] || { echo "iptables: Chain already exists." >&2; exit 1; }
            : >"$file" ;;
          -L)
            [[ -f "$file" ]] || { echo "iptables: No chain/target/match by that name." >&2; exit 1; } ;;
          -S)
            [[ -f "$file" ]] || exit 1
            echo "-N $chain"
            sed "s/^/-A $chain /" "$file" ;;
          -C | -D | -A | -I)
            [[ -f "$file" ]] || { echo "iptables: No chain/target/match by that name." >&2; exit 1; }
            position=""
            rest=("${args[@]:2}")
            if [[ "$op" == -I && "${rest[0]}" =~ ^[0-9]+$ ]]; then
              position=${rest[0]}
              rest=("${rest[@]:1}")
            fi
            rule="${rest[*]}"
            case "$op" in
              -C) grep -qxF -- "$rule" "$file" ;;
              -A) printf '%s\n' "$rule" >>"$file" ;;
              -D)
                line=$(grep -nxF -- "$rule" "$file" | head -n1 | cut -d: -f1)
                [[ -n "$line" ]] || { echo "iptables: Bad rule (does a matching rule exist in that chain?)." >&2; exit 1; }
                sed -i "${line}d" "$file" ;;
              -I)
                position=${position:-1}
                count=$(wc -l <"$file")
                if ((position > count)); then
                  printf '%s\n' "$rule" >>"$file"
                else
                  sed -i "${position}i\\$rule" "$file"
                fi ;;
            esac ;;
          *) echo "fake iptables: unexpected $*" >&2; exit 2 ;;
        esac
        """;

    public DeploymentSpec Spec { get; }

    public AwsRuntimeValues Aws { get; }

    /// <summary>The rules of a chain of the fake filter table, in order (null when the chain does not exist).</summary>
    public IReadOnlyList<string>? ChainRules(string chain) =>
        ReadFake(Path.Combine("iptables", chain))?.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Sets a chain of the fake filter table, as Docker or an operator might have left it.</summary>
    public void SetChain(string chain, params string[] rules) =>
        _dir.Write(Path.Combine("iptables", chain), string.Concat(rules.Select(r => r + "\n")));

    /// <summary>Runs the installed container firewall script, as its unit does at boot.</summary>
    public ToolResult RunContainerFirewall() => RunRooted(HostLayout.ContainerFirewallScriptPath);

    public string Root => Path.Combine(_dir.Path, "root");

    public string ConfigDir => Path.Combine(Root, "etc/convex");

    public string AppliedHashFile => Path.Combine(Root, "var/lib/convex/applied.sha256");

    public string CallsLog => Path.Combine(_dir.Path, "calls.log");

    public IReadOnlyList<string> Calls => File.Exists(CallsLog) ? File.ReadAllLines(CallsLog) : [];

    public string? AppliedHash => File.Exists(AppliedHashFile) ? File.ReadAllText(AppliedHashFile).Trim() : null;

    /// <summary>Writes a parameter as SSM does: a changed value becomes a new version, the old one stays readable.</summary>
    public void SetParameter(string name, string value)
    {
        var file = ParameterFile(name);
        if (File.Exists(file))
        {
            if (File.ReadAllText(file) == value)
            {
                return;
            }

            var version = ParameterVersion(name);
            File.Copy(file, $"{file}.v{version}", overwrite: true);
            File.WriteAllText(file + ".version", (version + 1).ToString(CultureInfo.InvariantCulture));
        }

        _dir.Write(Path.Combine("params", ParameterKey(name)), value);
    }

    /// <summary>The newest version of a parameter (SSM numbers them from 1).</summary>
    public int ParameterVersion(string name) =>
        File.Exists(ParameterFile(name) + ".version")
            ? int.Parse(File.ReadAllText(ParameterFile(name) + ".version"), CultureInfo.InvariantCulture)
            : SecretParameterVersions.First;

    /// <summary>The next <paramref name="reads"/> reads of <paramref name="name"/> do not see its newest version yet.</summary>
    public void Lag(string name, int reads) => _dir.Write(Path.Combine("lag", ParameterKey(name)), reads.ToString(CultureInfo.InvariantCulture));

    /// <summary>Reads of <paramref name="name"/> answer the version SSM serves, whatever version they name.</summary>
    public void IgnoreVersionSelector(string name) => _dir.Write(Path.Combine("ignore-selector", ParameterKey(name)), string.Empty);

    private string ParameterFile(string name) => Path.Combine(_dir.Path, "params", ParameterKey(name));

    private static string ParameterKey(string name) => name.Replace('/', '_');

    public void RemoveParameter(string name) => File.Delete(ParameterFile(name));

    /// <summary>Publishes a release and every part of its host tooling (as the Pulumi program would) and the stack's secrets.</summary>
    public HostReleaseBundle Publish(DeploymentSpec spec, string instanceSecret, string postgresUrl, HostToolingBundle? tooling = null)
    {
        tooling ??= HostTooling.Render(spec);
        SetParameter(Aws.Parameters.InstanceSecret, instanceSecret);
        SetParameter(Aws.Parameters.PostgresUrl, postgresUrl);
        var versions = new SecretParameterVersions(ParameterVersion(Aws.Parameters.InstanceSecret), ParameterVersion(Aws.Parameters.PostgresUrl));
        var bundle = HostRelease.Render(spec, Aws, versions, tooling);
        foreach (var part in tooling.Parts)
        {
            SetParameter(part.Parameter, part.ParameterValue);
        }

        SetParameter(Core.Naming.ResourceNames.HostImagesParameter(spec), HostImages.ParameterValue(spec));
        SetParameter(Core.Naming.ResourceNames.ReleaseParameter(spec), bundle.Json);
        return bundle;
    }

    /// <summary>The backend image the fake compose project runs now, or null.</summary>
    public string? RunningBackend => ReadFake("backend.running")?.Trim();

    /// <summary>Every backend stop and start the fake compose performed, in order.</summary>
    public IReadOnlyList<string> BackendEvents => ReadFake("backends.log")?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>Every value the host wrote to its status parameter, oldest first.</summary>
    public IReadOnlyList<System.Text.Json.JsonElement> Reports =>
        (ReadFake("status.log")?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [])
        .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.Clone()).ToList();

    /// <summary>/version fails while the backend runs <paramref name="image"/>.</summary>
    public void MakeUnhealthy(string image) => File.AppendAllText(Path.Combine(_dir.Path, "unhealthy-images"), image + "\n");

    /// <summary>The Nth docker-compose up (counted over the host's life) kills convex-release, as a reboot would.</summary>
    public void CrashOnUp(int nth)
    {
        var ups = int.Parse(ReadFake("ups")?.Trim() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        _dir.Write("crash-on-up", (ups + nth).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public bool StateFileExists(string name) => File.Exists(Path.Combine(Root, "var/lib/convex", name));

    public string StateDir => Path.Combine(Root, "var/lib/convex");

    /// <summary>Directories below /var/lib/convex (stage.*, staged, previous) that a finished run must not leave behind.</summary>
    public IReadOnlyList<string> StateDirectories => Directory.GetDirectories(StateDir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>The image compose runs for <paramref name="service"/>, or null.</summary>
    public string? RunningImage(string service) => service == "backend" ? RunningBackend : ReadFake(Path.Combine("running", service))?.Trim();

    /// <summary>compose leaves <paramref name="service"/> as it is on every later up (a container it did not recreate).</summary>
    public void KeepRunning(string service) => _dir.Write(Path.Combine("keep-running", service), string.Empty);

    /// <summary>convex-release dies (a reboot) right before it moves a file to a path ending in <paramref name="suffix"/>.</summary>
    public void CrashBeforeMoveTo(string suffix) => _dir.Write("crash-before-mv", suffix);

    /// <summary>convex-release dies (a reboot) right after it moved a file to a path ending in <paramref name="suffix"/>.</summary>
    public void CrashAfterMoveTo(string suffix) => _dir.Write("crash-after-mv", suffix);

    public string ReadRooted(string absolutePath) => File.ReadAllText(Path.Combine(Root, absolutePath.TrimStart('/')));

    public void FailOn(string composeSubcommand) => _dir.Write("fail-" + composeSubcommand, string.Empty);

    public void ClearFailures()
    {
        foreach (var file in Directory.GetFiles(_dir.Path, "fail-*"))
        {
            File.Delete(file);
        }
    }

    /// <summary>The directory of the fakes' state (calls.log, params/, live/ …).</summary>
    public string FakeDir => _dir.Path;

    /// <summary>The real sleep instead of the recorder: for runs against real processes (<see cref="LiveBackends"/>).</summary>
    public void UseRealSleep() => File.Delete(Path.Combine(_dir.Path, "bin", "sleep"));

    /// <summary>Runs the installed convex-release exactly as systemd would, but rooted in the temp dir.</summary>
    public ToolResult RunRelease() => RunRooted(HostLayout.ReleaseScriptPath);

    /// <summary>Runs convex-release probing /version every <paramref name="healthPollSeconds"/> (production: 1).</summary>
    public ToolResult RunRelease(int healthPollSeconds) =>
        RunRooted(HostLayout.ReleaseScriptPath, new Dictionary<string, string> { ["CONVEX_HEALTH_POLL_SECONDS"] = healthPollSeconds.ToString(CultureInfo.InvariantCulture) });

    /// <summary>Runs the user data's convex-bootstrap, as its unit does at boot.</summary>
    public ToolResult RunBootstrap() => RunRooted(HostLayout.BootstrapScriptPath);

    /// <summary>
    /// Runs <paramref name="scriptPath"/> (a file outside the host, e.g. pulumi up's wait step) with the host's fakes,
    /// these variables, and <paramref name="pathFirst"/> (if any) first on PATH.
    /// </summary>
    public ToolResult RunOutside(string scriptPath, IReadOnlyDictionary<string, string> variables, string? pathFirst = null)
    {
        var environment = new Dictionary<string, string>(variables)
        {
            ["PATH"] = $"{(pathFirst is null ? "" : pathFirst + ":")}{Path.Combine(_dir.Path, "bin")}:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["CONVEX_ROOT"] = Root,
            ["FAKE_DIR"] = _dir.Path,
            ["CONVEX_HEALTH_POLL_SECONDS"] = "1",
        };
        return ExternalTool.Run("bash", [scriptPath], environment: environment, timeout: TimeSpan.FromMinutes(3));
    }

    /// <summary>The SSM agent runs <paramref name="document"/> on send-command, and systemctl starts convex-release.</summary>
    public void AcceptRunCommand(string document)
    {
        _dir.Write("agent-document", document);
        _dir.Write("run-units", string.Empty);
    }

    /// <summary>Runs the user data's convex-bootstrap with these extra variables (its poll and wait limit).</summary>
    public ToolResult RunBootstrap(IReadOnlyDictionary<string, string> variables) => RunRooted(HostLayout.BootstrapScriptPath, variables);

    private ToolResult RunRooted(string script, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var fakeBin = Path.Combine(_dir.Path, "bin");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{fakeBin}:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["CONVEX_ROOT"] = Root,
            ["FAKE_DIR"] = _dir.Path,
            // Production polls every 5 s; the fake sleep returns at once, so fewer probes keep the tests quick.
            ["CONVEX_HEALTH_POLL_SECONDS"] = "30",
            // convex-bootstrap waits for a first release in one try (the fake sleep would spin).
            ["CONVEX_BOOTSTRAP_WAIT_SECONDS"] = "0",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return ExternalTool.Run("bash", [Path.Combine(Root, script.TrimStart('/'))], environment: environment);
    }

    private string? ReadFake(string name) => File.Exists(Path.Combine(_dir.Path, name)) ? File.ReadAllText(Path.Combine(_dir.Path, name)) : null;

    /// <summary>Puts <paramref name="file"/> on the host as a previous install would have left it.</summary>
    public void Install(RenderedFile file) => WriteRooted(file);

    private void WriteRooted(RenderedFile file) =>
        _dir.Write("root" + file.Path, file.Content, (UnixFileMode)Convert.ToInt32(file.Permissions, 8));

    public string ReadConfig(string relativePath) => File.ReadAllText(Path.Combine(ConfigDir, relativePath));

    public static UnixFileMode ModeOfFile(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException("the EC2 host is Linux") : File.GetUnixFileMode(path);

    public UnixFileMode ModeOf(string relativePath) =>
        OperatingSystem.IsWindows()
            ? throw new PlatformNotSupportedException("the EC2 host is Linux")
            : File.GetUnixFileMode(Path.Combine(ConfigDir, relativePath));

    public IEnumerable<string> AllFilesBelowRoot() => Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories);

    public void Dispose() => _dir.Dispose();

    private void WriteFake(string name, string script) =>
        _dir.Write(Path.Combine("bin", name), script + "\n", (UnixFileMode)Convert.ToInt32("755", 8));
}
