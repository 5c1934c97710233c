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

            _dir.Write("root/var/lib/convex/tooling.sha256", tooling.Sha256 + "\n");
        }

        WriteFake("aws", """
            #!/usr/bin/env bash
            set -euo pipefail
            printf 'aws %s\n' "$*" >>"$FAKE_DIR/calls.log"
            service=$1 operation=$2
            name="" value=""
            while [[ $# -gt 0 ]]; do
              case "$1" in
                --name) name=$2; shift 2 ;;
                --value) value=$2; shift 2 ;;
                *) shift ;;
              esac
            done
            file="$FAKE_DIR/params/$(printf '%s' "$name" | tr '/' '_')"
            case "$service $operation" in
              "ssm get-parameter")
                if [[ ! -f "$file" ]]; then
                  echo "An error occurred (ParameterNotFound) when calling the GetParameter operation: $name" >&2
                  exit 254
                fi
                cat "$file"
                echo ;;
              "ssm put-parameter")
                mkdir -p "$FAKE_DIR/params"
                printf '%s' "$value" >"$file"
                printf '%s\n' "$value" >>"$FAKE_DIR/status.log"
                echo '{"Version": 1, "Tier": "Standard"}' ;;
              "cloudwatch put-metric-data") ;;
              *) echo "fake aws: unexpected $service $operation" >&2; exit 2 ;;
            esac
            """);
        WriteFake("docker-compose", $$"""
            #!/usr/bin/env bash
            set -euo pipefail
            printf 'docker-compose %s\n' "$*" >>"$FAKE_DIR/calls.log"
            for arg in "$@"; do
              if [[ -f "$FAKE_DIR/fail-$arg" ]]; then
                echo "fake docker-compose: $arg failed" >&2
                exit 1
              fi
            done
            if [[ " $* " == *" version "* ]]; then
              echo "{{HostLayout.ComposeVersion.TrimStart('v')}}"
              exit 0
            fi
            if [[ " $* " == *" config "* ]]; then
              exec {{ExternalTool.Require("docker-compose")}} "$@"
            fi
            if [[ " $* " == *" up "* ]]; then
              ups=$(( $(cat "$FAKE_DIR/ups" 2>/dev/null || echo 0) + 1 ))
              echo "$ups" >"$FAKE_DIR/ups"
              if [[ -f "$FAKE_DIR/crash-on-up" ]] && [[ "$(cat "$FAKE_DIR/crash-on-up")" == "$ups" ]]; then
                rm -f "$FAKE_DIR/crash-on-up"
                echo "backend-crash-host-reboot" >>"$FAKE_DIR/backends.log"
                kill -9 "$PPID"
                exit 137
              fi
              file=""
              while [[ $# -gt 0 ]]; do
                case "$1" in
                  -f) file=$2; shift 2 ;;
                  *) shift ;;
                esac
              done
              image=$(grep -o 'ghcr.io/get-convex/convex-backend:[0-9a-f]*' "$file")
              running=$(cat "$FAKE_DIR/backend.running" 2>/dev/null || true)
              if [[ "$running" != "$image" ]]; then
                # What compose does when a service's image changes: stop the old container, then start the new one.
                if [[ -n "$running" ]]; then
                  echo "stop $running" >>"$FAKE_DIR/backends.log"
                  rm -f "$FAKE_DIR/backend.running"
                fi
                if [[ -f "$FAKE_DIR/backend.running" ]]; then
                  echo "TWO BACKENDS" >>"$FAKE_DIR/backends.log"
                fi
                echo "start $image" >>"$FAKE_DIR/backends.log"
                echo "$image" >"$FAKE_DIR/backend.running"
              fi
            fi
            """);
        WriteFake("docker", """
            #!/usr/bin/env bash
            printf 'docker %s\n' "$*" >>"$FAKE_DIR/calls.log"
            """);
        WriteFake("iptables", FakeIptables);
        WriteFake("systemctl", """
            #!/usr/bin/env bash
            printf 'systemctl %s\n' "$*" >>"$FAKE_DIR/calls.log"
            """);
        WriteFake("dnf", """
            #!/usr/bin/env bash
            printf 'dnf %s\n' "$*" >>"$FAKE_DIR/calls.log"
            """);
        WriteFake("sleep", """
            #!/usr/bin/env bash
            printf 'sleep %s\n' "$*" >>"$FAKE_DIR/calls.log"
            """);
        WriteFake("curl", """
            #!/usr/bin/env bash
            set -euo pipefail
            out=""
            url=""
            for arg in "$@"; do
              [[ "$arg" == http* ]] && url=$arg
            done
            if [[ "$url" == */version ]]; then
              running=$(cat "$FAKE_DIR/backend.running" 2>/dev/null || true)
              printf 'curl /version (%s)\n' "${running:-nothing running}" >>"$FAKE_DIR/calls.log"
              [[ -n "$running" ]] || exit 7
              if grep -qxF "$running" "$FAKE_DIR/unhealthy-images" 2>/dev/null; then
                exit 22
              fi
              echo "unknown"
              exit 0
            fi
            printf 'curl %s\n' "$*" >>"$FAKE_DIR/calls.log"
            while [[ $# -gt 0 ]]; do
              case "$1" in
                -o) out=$2; shift 2 ;;
                *) shift ;;
              esac
            done
            printf -- '-----BEGIN CERTIFICATE-----\nZmFrZQ==\n-----END CERTIFICATE-----\n' >"$out"
            """);
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

    /// <summary>The rules of a chain of the fake filter table, in order (null when the chain does not exist).</summary>
    public IReadOnlyList<string>? ChainRules(string chain) =>
        ReadFake(Path.Combine("iptables", chain))?.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Sets a chain of the fake filter table, as Docker or an operator might have left it.</summary>
    public void SetChain(string chain, params string[] rules) =>
        _dir.Write(Path.Combine("iptables", chain), string.Concat(rules.Select(r => r + "\n")));

    /// <summary>Runs the installed container firewall script, as its unit does at boot.</summary>
    public ToolResult RunContainerFirewall() => RunRooted(HostLayout.ContainerFirewallScriptPath);

    public AwsRuntimeValues Aws { get; }

    public string Root => Path.Combine(_dir.Path, "root");

    public string ConfigDir => Path.Combine(Root, "etc/convex");

    public string AppliedHashFile => Path.Combine(Root, "var/lib/convex/applied.sha256");

    public string CallsLog => Path.Combine(_dir.Path, "calls.log");

    public IReadOnlyList<string> Calls => File.Exists(CallsLog) ? File.ReadAllLines(CallsLog) : [];

    public string? AppliedHash => File.Exists(AppliedHashFile) ? File.ReadAllText(AppliedHashFile).Trim() : null;

    public void SetParameter(string name, string value) =>
        _dir.Write(Path.Combine("params", name.Replace('/', '_')), value);

    public void RemoveParameter(string name) => File.Delete(Path.Combine(_dir.Path, "params", name.Replace('/', '_')));

    /// <summary>Publishes a release and its host tooling (as the Pulumi program would) and the stack's secrets.</summary>
    public HostReleaseBundle Publish(DeploymentSpec spec, string instanceSecret, string postgresUrl, HostToolingBundle? tooling = null)
    {
        tooling ??= HostTooling.Render(spec);
        var bundle = HostRelease.Render(spec, Aws, tooling: tooling);
        SetParameter(Core.Naming.ResourceNames.ReleaseParameter(spec), bundle.Json);
        SetParameter(Core.Naming.ResourceNames.HostToolingParameter(spec), tooling.ParameterValue);
        SetParameter(Aws.Parameters.InstanceSecret, instanceSecret);
        SetParameter(Aws.Parameters.PostgresUrl, postgresUrl);
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

    public string ReadRooted(string absolutePath) => File.ReadAllText(Path.Combine(Root, absolutePath.TrimStart('/')));

    public void FailOn(string composeSubcommand) => _dir.Write("fail-" + composeSubcommand, string.Empty);

    public void ClearFailures()
    {
        foreach (var file in Directory.GetFiles(_dir.Path, "fail-*"))
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs the installed convex-release exactly as systemd would, but rooted in the temp dir.</summary>
    public ToolResult RunRelease() => RunRooted(HostLayout.ReleaseScriptPath);

    /// <summary>Runs the user data's convex-bootstrap, as its unit does at boot.</summary>
    public ToolResult RunBootstrap() => RunRooted(HostLayout.BootstrapScriptPath);

    private ToolResult RunRooted(string script)
    {
        var fakeBin = Path.Combine(_dir.Path, "bin");
        return ExternalTool.Run("bash", [Path.Combine(Root, script.TrimStart('/'))], environment: new Dictionary<string, string>
        {
            ["PATH"] = $"{fakeBin}:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["CONVEX_ROOT"] = Root,
            ["FAKE_DIR"] = _dir.Path,
            // Production polls every 5 s; the fake sleep returns at once, so fewer probes keep the tests quick.
            ["CONVEX_HEALTH_POLL_SECONDS"] = "30",
        });
    }

    private string? ReadFake(string name) => File.Exists(Path.Combine(_dir.Path, name)) ? File.ReadAllText(Path.Combine(_dir.Path, name)) : null;

    private void WriteRooted(RenderedFile file) =>
        _dir.Write("root" + file.Path, file.Content, (UnixFileMode)Convert.ToInt32(file.Permissions, 8));

    public string ReadConfig(string relativePath) => File.ReadAllText(Path.Combine(ConfigDir, relativePath));

    public UnixFileMode ModeOf(string relativePath) =>
        OperatingSystem.IsWindows()
            ? throw new PlatformNotSupportedException("the EC2 host is Linux")
            : File.GetUnixFileMode(Path.Combine(ConfigDir, relativePath));

    public IEnumerable<string> AllFilesBelowRoot() => Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories);

    public void Dispose() => _dir.Dispose();

    private void WriteFake(string name, string script) =>
        _dir.Write(Path.Combine("bin", name), script + "\n", (UnixFileMode)Convert.ToInt32("755", 8));
}
