using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Tools;

/// <summary>
/// A directory standing in for the EC2 host: the REAL rendered convex-release script and host.env, with
/// fake <c>aws</c>, <c>docker-compose</c>, <c>docker</c>, <c>curl</c> and <c>systemctl</c> first on PATH.
/// The fakes record their arguments in calls.log; <c>docker-compose config</c> is passed to the real
/// docker-compose (v1) so the staged files are validated for real.
/// </summary>
public sealed class FakeHost : IDisposable
{
    private readonly TempDir _dir = new();

    public FakeHost(DeploymentSpec spec, AwsRuntimeValues aws)
    {
        Spec = spec;
        Aws = aws;
        Directory.CreateDirectory(Root);
        foreach (var file in HostBootstrap.Files(spec, aws.Region))
        {
            _dir.Write("root" + file.Path, file.Content, (UnixFileMode)Convert.ToInt32(file.Permissions, 8));
        }

        WriteFake("aws", """
            #!/usr/bin/env bash
            set -euo pipefail
            printf 'aws %s\n' "$*" >>"$FAKE_DIR/calls.log"
            name=""
            while [[ $# -gt 0 ]]; do
              case "$1" in
                --name) name=$2; shift 2 ;;
                *) shift ;;
              esac
            done
            file="$FAKE_DIR/params/$(printf '%s' "$name" | tr '/' '_')"
            if [[ ! -f "$file" ]]; then
              echo "An error occurred (ParameterNotFound) when calling the GetParameter operation: $name" >&2
              exit 254
            fi
            cat "$file"
            echo
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
            if [[ " $* " == *" config "* ]]; then
              exec {{ExternalTool.Require("docker-compose")}} "$@"
            fi
            """);
        WriteFake("docker", """
            #!/usr/bin/env bash
            printf 'docker %s\n' "$*" >>"$FAKE_DIR/calls.log"
            """);
        WriteFake("systemctl", """
            #!/usr/bin/env bash
            printf 'systemctl %s\n' "$*" >>"$FAKE_DIR/calls.log"
            """);
        WriteFake("curl", """
            #!/usr/bin/env bash
            set -euo pipefail
            printf 'curl %s\n' "$*" >>"$FAKE_DIR/calls.log"
            out=""
            while [[ $# -gt 0 ]]; do
              case "$1" in
                -o) out=$2; shift 2 ;;
                *) shift ;;
              esac
            done
            printf -- '-----BEGIN CERTIFICATE-----\nZmFrZQ==\n-----END CERTIFICATE-----\n' >"$out"
            """);
    }

    public DeploymentSpec Spec { get; }

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

    /// <summary>Publishes a release (as the Pulumi program would) and the stack's secrets.</summary>
    public HostReleaseBundle Publish(DeploymentSpec spec, string instanceSecret, string postgresUrl)
    {
        var bundle = HostRelease.Render(spec, Aws);
        SetParameter(Core.Naming.ResourceNames.ReleaseParameter(spec), bundle.Json);
        SetParameter(Aws.Parameters.InstanceSecret, instanceSecret);
        SetParameter(Aws.Parameters.PostgresUrl, postgresUrl);
        return bundle;
    }

    public void FailOn(string composeSubcommand) => _dir.Write("fail-" + composeSubcommand, string.Empty);

    public void ClearFailures()
    {
        foreach (var file in Directory.GetFiles(_dir.Path, "fail-*"))
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs the rendered convex-release exactly as systemd would, but rooted in the temp dir.</summary>
    public ToolResult RunRelease()
    {
        var fakeBin = Path.Combine(_dir.Path, "bin");
        return ExternalTool.Run("bash", [Path.Combine(Root, HostLayout.ReleaseScriptPath.TrimStart('/'))], environment: new Dictionary<string, string>
        {
            ["PATH"] = $"{fakeBin}:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["CONVEX_ROOT"] = Root,
            ["FAKE_DIR"] = _dir.Path,
        });
    }

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
