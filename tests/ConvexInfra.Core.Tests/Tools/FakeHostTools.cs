using ConvexInfra.Core.Rendering;

namespace ConvexInfra.Core.Tests.Tools;

/// <summary>
/// The fake executables of <see cref="FakeHost"/>. Each records its arguments in <c>$FAKE_DIR/calls.log</c> and
/// answers from files under <c>$FAKE_DIR</c> that the test arranges.
/// </summary>
internal static class FakeHostTools
{
    /// <summary>
    /// SSM as <see cref="SsmFacts"/> describes it: <c>params/&lt;name&gt;</c> is the newest value, <c>.version</c> its
    /// number, <c>.v&lt;N&gt;</c> older values. <c>lag/&lt;name&gt;</c> counts reads that do not see the newest
    /// version yet (a versioned read fails, a plain one answers the version before); <c>ignore-selector/&lt;name&gt;</c>
    /// answers the served version whatever version was asked.
    /// </summary>
    public static string Aws => $$"""
        #!/usr/bin/env bash
        set -euo pipefail
        printf 'aws %s\n' "$*" >>"$FAKE_DIR/calls.log"
        service=$1 operation=$2
        name="" value="" output=text
        while [[ $# -gt 0 ]]; do
          case "$1" in
            --name) name=$2; shift 2 ;;
            --value) value=$2; shift 2 ;;
            --output) output=$2; shift 2 ;;
            *) shift ;;
          esac
        done
        selector=""
        if [[ "$name" == *{{SsmFacts.VersionSelector}}* ]]; then
          selector=${name##*{{SsmFacts.VersionSelector}}}
          name=${name%{{SsmFacts.VersionSelector}}*}
        fi
        key=$(printf '%s' "$name" | tr '/' '_')
        file="$FAKE_DIR/params/$key"
        case "$service $operation" in
          "ssm get-parameter")
            if [[ ! -f "$file" ]]; then
              echo "An error occurred ({{SsmFacts.NotFound}}) when calling the GetParameter operation: $name" >&2
              exit 254
            fi
            newest=$(cat "$file.version" 2>/dev/null || echo 1)
            served=$newest
            if [[ -f "$FAKE_DIR/lag/$key" ]] && (( $(cat "$FAKE_DIR/lag/$key") > 0 )); then
              echo $(( $(cat "$FAKE_DIR/lag/$key") - 1 )) >"$FAKE_DIR/lag/$key"
              served=$((newest - 1))
            fi
            version=$served
            if [[ -n "$selector" ]] && [[ ! -f "$FAKE_DIR/ignore-selector/$key" ]]; then
              if (( selector > served )) || { (( selector < newest )) && [[ ! -f "$file.v$selector" ]]; }; then
                echo "{{SsmFacts.CliError(SsmFacts.VersionNotFound, "Systems Manager could not find version $selector of $name.")}}" >&2
                exit 254
              fi
              version=$selector
            fi
            source_file=$file
            (( version == newest )) || source_file="$file.v$version"
            if [[ "$output" == json ]]; then
              jq -n --arg name "$name" --rawfile value "$source_file" --argjson version "$version" \
                '{Name: $name, Type: "SecureString", {{SsmFacts.ValueField}}: $value, {{SsmFacts.VersionField}}: $version}'
            else
              cat "$source_file"
              echo
            fi ;;
          "ssm put-parameter")
            mkdir -p "$FAKE_DIR/params"
            printf '%s' "$value" >"$file"
            printf '%s\n' "$value" >>"$FAKE_DIR/status.log"
            echo '{"Version": 1, "Tier": "Standard"}' ;;
          "cloudwatch put-metric-data") ;;
          "ssm send-command")
            # The SSM agent: runs the document's commands on the host (its PATH, in the background, as Run Command does).
            if [[ ! -f "$FAKE_DIR/agent-document" ]]; then
              echo "An error occurred (InvalidInstanceId) when calling the SendCommand operation: Instances not in a valid state" >&2
              exit 254
            fi
            {{ExternalTool.Require("jq")}} -r '.mainSteps[].inputs.runCommand[]' "$FAKE_DIR/agent-document" |
              PATH="$FAKE_DIR/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin" bash >>"$FAKE_DIR/agent.log" 2>&1
            echo "0b1c2d3e-fake-command" ;;
          *) echo "fake aws: unexpected $service $operation" >&2; exit 2 ;;
        esac
        """;

    /// <summary>
    /// Compose: <c>config</c> goes to the real docker-compose (v1); <c>up</c> starts the image of each named service
    /// (every service when none is named; the backend in <c>backend.running</c> with its stops and starts in
    /// <c>backends.log</c>, the others in <c>running/&lt;service&gt;</c>) unless <c>keep-running/&lt;service&gt;</c> pins
    /// what runs; <c>stop backend</c> stops the backend; <c>ps -q</c> names the running containers.
    /// <c>crash-on-up</c> (the Nth up over the host's life) kills convex-release. With <c>live/</c> (a
    /// <see cref="LiveBackends"/> harness) the backend's stop and start are requests to real processes on loopback.
    /// </summary>
    public static string DockerCompose => $$"""
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
        if [[ " $* " == *" ps "* ]]; then
          service=${!#}
          if [[ "$service" == backend ]]; then
            [[ ! -s "$FAKE_DIR/backend.running" ]] || echo "fake-backend"
          elif [[ -s "$FAKE_DIR/running/$service" ]]; then
            echo "fake-$service"
          fi
          exit 0
        fi
        # live_backend stop|start IMAGE: asks the LiveBackends harness and waits until it has done it.
        live_backend() {
          local id=$RANDOM$RANDOM
          printf '%s %s\n' "$1" "${2:-}" >"$FAKE_DIR/live/request.$id.tmp"
          {{ExternalTool.Require("mv")}} "$FAKE_DIR/live/request.$id.tmp" "$FAKE_DIR/live/request.$id"
          while [[ ! -f "$FAKE_DIR/live/done.$id" ]]; do
            command -p sleep 0.02 # the system's sleep: the recorder only stands in when no backend is live
          done
          rm -f "$FAKE_DIR/live/done.$id"
        }
        if [[ " $* " == *" stop "* ]]; then
          if [[ "${!#}" == backend ]] && [[ -s "$FAKE_DIR/backend.running" ]]; then
            [[ ! -d "$FAKE_DIR/live" ]] || live_backend stop
            echo "stop $(cat "$FAKE_DIR/backend.running")" >>"$FAKE_DIR/backends.log"
            rm -f "$FAKE_DIR/backend.running"
          fi
          exit 0
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
          services=" "
          while [[ $# -gt 0 ]]; do
            case "$1" in
              -f | -p) [[ "$1" == -p ]] || file=$2; shift 2 ;;
              -*) shift ;;
              up) shift ;;
              *) services+="$1 "; shift ;;
            esac
          done
          # no service named: compose starts every service of the file
          mkdir -p "$FAKE_DIR/running"
          images=$(awk '/^  [A-Za-z0-9_.-]+:$/ { s = substr($1, 1, length($1) - 1) } /^    image: / { i = $2; gsub(/"/, "", i); print s, i }' "$file")
          while read -r service image; do
            [[ "$service" != backend ]] || continue
            [[ "$services" == " " || "$services" == *" $service "* ]] || continue
            [[ -f "$FAKE_DIR/keep-running/$service" ]] || echo "$image" >"$FAKE_DIR/running/$service"
          done <<<"$images"
          [[ "$services" == " " || "$services" == *" backend "* ]] || exit 0
          image=$(awk '$1 == "backend" { print $2 }' <<<"$images")
          running=$(cat "$FAKE_DIR/backend.running" 2>/dev/null || true)
          if [[ "$running" != "$image" ]]; then
            # What compose does when a service's image changes: stop the old container, then start the new one.
            if [[ -n "$running" ]]; then
              [[ ! -d "$FAKE_DIR/live" ]] || live_backend stop
              echo "stop $running" >>"$FAKE_DIR/backends.log"
              rm -f "$FAKE_DIR/backend.running"
            fi
            if [[ -f "$FAKE_DIR/backend.running" ]]; then
              echo "TWO BACKENDS" >>"$FAKE_DIR/backends.log"
            fi
            [[ ! -d "$FAKE_DIR/live" ]] || live_backend start "$image"
            echo "start $image" >>"$FAKE_DIR/backends.log"
            echo "$image" >"$FAKE_DIR/backend.running"
          fi
        fi
        """;

    /// <summary>
    /// Docker: <c>inspect</c> answers the image of a fake compose container; <c>pull</c> puts an image in
    /// <c>images/</c> (unless <c>fail-pull</c>), <c>image inspect</c> finds it there; the rest is recorded only.
    /// </summary>
    public static string Docker => """
        #!/usr/bin/env bash
        printf 'docker %s\n' "$*" >>"$FAKE_DIR/calls.log"
        key=$(printf '%s' "${!#}" | tr '/:' '__')
        if [[ "$1" == pull ]]; then
          if [[ -f "$FAKE_DIR/fail-pull" ]]; then
            echo "fake docker: pull denied" >&2
            exit 1
          fi
          mkdir -p "$FAKE_DIR/images"
          : >"$FAKE_DIR/images/$key"
          exit 0
        fi
        if [[ "$1" == image && "$2" == inspect ]]; then
          [[ -f "$FAKE_DIR/images/$key" ]]
          exit
        fi
        if [[ "$1" == inspect ]]; then
          id=${!#}
          service=${id#fake-}
          if [[ "$service" == backend ]]; then
            cat "$FAKE_DIR/backend.running"
          else
            cat "$FAKE_DIR/running/$service"
          fi
        fi
        """;

    /// <summary>
    /// The real mv, except that <c>crash-before-mv</c> / <c>crash-after-mv</c> (a path suffix, below the root) kill
    /// convex-release right before or after the move to a matching target: a reboot at that point.
    /// </summary>
    public static string Mv => $$"""
        #!/usr/bin/env bash
        target=${!#}
        crash() {
          [[ -f "$FAKE_DIR/$1" ]] && [[ "$target" == *"$(cat "$FAKE_DIR/$1")" ]] || return 0
          rm -f "$FAKE_DIR/$1"
          echo "$1 $target" >>"$FAKE_DIR/calls.log"
          kill -9 "$PPID"
          exit 137
        }
        crash crash-before-mv
        {{ExternalTool.Require("mv")}} "$@" || exit
        crash crash-after-mv
        """;

    public static string Curl => """
        #!/usr/bin/env bash
        set -euo pipefail
        out=""
        url=""
        for arg in "$@"; do
          [[ "$arg" == http* ]] && url=$arg
        done
        if [[ "$url" == */version ]] && [[ -f "$FAKE_DIR/live/port" ]]; then
          printf 'curl /version (live)\n' >>"$FAKE_DIR/calls.log"
          command -p curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$(cat "$FAKE_DIR/live/port")/version" # the system's curl
          exit
        fi
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
        """;

    /// <summary>
    /// systemctl: records its arguments; with <c>run-units</c>, <c>start --no-block convex-release.service</c> runs the
    /// installed convex-release in the background, as systemd would.
    /// </summary>
    public static string Systemctl => $$"""
        #!/usr/bin/env bash
        printf 'systemctl %s\n' "$*" >>"$FAKE_DIR/calls.log"
        if [[ -f "$FAKE_DIR/run-units" && "$1 $2 $3" == "start --no-block {{SystemdUnits.ServiceName}}" ]]; then
          setsid bash "$CONVEX_ROOT{{HostLayout.ReleaseScriptPath}}" >>"$FAKE_DIR/unit.log" 2>&1 </dev/null &
        fi
        """;

    /// <summary>A tool that only records its arguments (dnf, sleep: the virtual clock never waits).</summary>
    public static string Recorder(string name) => $$"""
        #!/usr/bin/env bash
        printf '{{name}} %s\n' "$*" >>"$FAKE_DIR/calls.log"
        """;
}
