using System.Globalization;
using ConvexInfra.Core.Rendering;

namespace ConvexInfra.Core.Rollout;

/// <summary>
/// The last step of <c>pulumi up</c> on an <c>aws-ec2</c> stack (Command.Local on the machine running it, which
/// needs the AWS CLI v2 and the same credentials, nothing else: the host's report is parsed by bash, not jq): asks the
/// host to apply the release just written at once (SSM Run Command with <see cref="ApplyReleaseDocument"/>; the host's
/// timer is the fallback), then polls the host's status parameter until the host reports that release, and fails with
/// the host's own reason unless it is <c>applied</c>, or once the deadline (<c>hostReportTimeoutMinutes</c>) passes.
/// </summary>
public static class HostReportWait
{
    /// <summary>
    /// Seconds between two reads of the status parameter: a standard-tier parameter, whose reads at standard
    /// throughput cost nothing; a first release is applied seconds after the write, so a 10 s poll would dominate.
    /// </summary>
    public const int PollSeconds = 2;

    /// <summary>Seconds after which the Run Command is sent again while the host has not reported the release.</summary>
    public const int NudgeSeconds = 15;

    /// <summary>
    /// bash; reads REGION, STATUS_PARAMETER, RELEASE_SHA256 and DEADLINE_SECONDS, and INSTANCE_ID and DOCUMENT_NAME for
    /// the Run Command (without them it only waits for the timer); POLL_SECONDS: tests only.
    /// </summary>
    public static string Script() =>
        """
        set -euo pipefail
        : "${REGION:?}" "${STATUS_PARAMETER:?}" "${RELEASE_SHA256:?}" "${DEADLINE_SECONDS:?}"
        poll="${POLL_SECONDS:-__POLL__}"
        echo "host report: waiting up to ${DEADLINE_SECONDS}s for the host to apply release ${RELEASE_SHA256}"

        # field NAME: the string NAME of the host's report (compact JSON the host writes with jq), read by bash alone.
        field() {
          local pattern="\"$1\":\"(([^\"\\\\]|\\\\.)*)\"" value=""
          if [[ ${report} =~ ${pattern} ]]; then
            value=${BASH_REMATCH[1]}
            value=${value//\\\"/\"}
            value=${value//\\\\/\\}
          fi
          printf '%s' "${value}"
        }

        # nudge: SSM Run Command with the stack's document, which can only start convex-release on the host. Sent again
        # every __NUDGE__ s while the host has not reported this release (a timer run that read the previous release just
        # before the write absorbs a start). When it cannot be sent, the host's timer applies the release within a minute.
        nudge() {
          [[ -n "${INSTANCE_ID:-}" && -n "${DOCUMENT_NAME:-}" ]] || return 0
          local answer
          if answer=$(aws ssm send-command --region "${REGION}" --instance-ids "${INSTANCE_ID}" --document-name "${DOCUMENT_NAME}" \
            --comment "convex-infra: apply release ${RELEASE_SHA256:0:12}" --query Command.CommandId --output text 2>&1); then
            echo "host report: asked the host to apply it now (SSM Run Command ${answer})"
          else
            echo "host report: SSM Run Command did not reach the host (${answer##*$'\n'}); its timer applies the release within a minute"
          fi
        }

        waited=0
        nudged=-1
        last=""
        while true; do
          if ((nudged < 0 || waited - nudged >= __NUDGE__)); then
            nudge
            nudged=${waited}
          fi
          report=$(aws ssm get-parameter --region "${REGION}" --name "${STATUS_PARAMETER}" --query Parameter.Value --output text 2>/dev/null || true)
          if [[ "${report}" == \{* ]]; then
            release=$(field release)
            status=$(field status)
            reason=$(field reason)
            when=$(field time)
            if [[ "${release}" == "${RELEASE_SHA256}" ]]; then
              case "${status}" in
                __APPLIED__)
                  echo "host report: release ${RELEASE_SHA256} applied at ${when}"
                  exit 0
                  ;;
                __FAILED__ | __ROLLED_BACK__)
                  echo "host report: release ${RELEASE_SHA256} ${status} at ${when}: ${reason}" >&2
                  exit 1
                  ;;
                *) ;;
              esac
            elif [[ "${release}" != "${last}" ]]; then
              echo "host report: the host's last report is about release ${release:-none} (${status:-no status}); still waiting"
              last=${release}
            fi
          fi
          if ((waited >= DEADLINE_SECONDS || SECONDS >= DEADLINE_SECONDS)); then
            echo "host report: the host did not report release ${RELEASE_SHA256} within ${DEADLINE_SECONDS}s (hostReportTimeoutMinutes)." >&2
            echo "host report: see 'journalctl -u convex-release' on the host (through Session Manager) and the status parameter ${STATUS_PARAMETER}" >&2
            exit 1
          fi
          sleep "${poll}"
          waited=$((waited + poll))
        done
        """.ReplaceLineEndings("\n")
            .Replace("__POLL__", PollSeconds.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("__NUDGE__", NudgeSeconds.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("__APPLIED__", HostStatus.Applied, StringComparison.Ordinal)
            .Replace("__FAILED__", HostStatus.Failed, StringComparison.Ordinal)
            .Replace("__ROLLED_BACK__", HostStatus.RolledBack, StringComparison.Ordinal) + "\n";
}
