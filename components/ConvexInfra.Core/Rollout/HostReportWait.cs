using System.Globalization;
using ConvexInfra.Core.Rendering;

namespace ConvexInfra.Core.Rollout;

/// <summary>
/// The last step of <c>pulumi up</c> on an <c>aws-ec2</c> stack (Command.Local on the machine running it, which
/// needs the AWS CLI v2 and the same credentials): polls the host's status parameter until the host reports the
/// release just written, and fails with the host's own reason unless it is <c>applied</c>, or once the deadline
/// (<c>hostReportTimeoutMinutes</c>) passes.
/// </summary>
public static class HostReportWait
{
    /// <summary>Seconds between two reads of the status parameter.</summary>
    public const int PollSeconds = 10;

    /// <summary>bash; reads REGION, STATUS_PARAMETER, RELEASE_SHA256 and DEADLINE_SECONDS (POLL_SECONDS: tests only).</summary>
    public static string Script() =>
        """
        set -euo pipefail
        : "${REGION:?}" "${STATUS_PARAMETER:?}" "${RELEASE_SHA256:?}" "${DEADLINE_SECONDS:?}"
        poll="${POLL_SECONDS:-__POLL__}"
        echo "host report: waiting up to ${DEADLINE_SECONDS}s for the host to apply release ${RELEASE_SHA256}"
        waited=0
        last=""
        while true; do
          report=$(aws ssm get-parameter --region "${REGION}" --name "${STATUS_PARAMETER}" --query Parameter.Value --output text 2>/dev/null || true)
          if [[ "${report}" == \{* ]]; then
            release=$(jq -r '.release // empty' <<<"${report}")
            status=$(jq -r '.status // empty' <<<"${report}")
            reason=$(jq -r '.reason // empty' <<<"${report}")
            when=$(jq -r '.time // empty' <<<"${report}")
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
            .Replace("__APPLIED__", HostStatus.Applied, StringComparison.Ordinal)
            .Replace("__FAILED__", HostStatus.Failed, StringComparison.Ordinal)
            .Replace("__ROLLED_BACK__", HostStatus.RolledBack, StringComparison.Ordinal) + "\n";
}
