using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Core.Tests.Outputs;

public class CloudLeftoversTests
{
    private static readonly DateOnly Day = new(2026, 11, 30);

    [Fact]
    public void Active_cloud_lines_are_commented_out_under_a_dated_note()
    {
        var result = CloudLeftovers.CommentOut("A=1\nCONVEX_DEPLOYMENT=dev:x\n  export CONVEX_DEPLOY_KEY=prod:x|y\n# CONVEX_DEPLOYMENT=old\nCONVEX_DEPLOYMENT_EXTRA=1\n", Day);

        Assert.Equal(["CONVEX_DEPLOYMENT", "CONVEX_DEPLOY_KEY"], result.CommentedOut);
        Assert.Equal(
            "A=1\n" + CloudLeftovers.Note("CONVEX_DEPLOYMENT", Day) + "\n# CONVEX_DEPLOYMENT=dev:x\n"
            + CloudLeftovers.Note("CONVEX_DEPLOY_KEY", Day) + "\n#   export CONVEX_DEPLOY_KEY=prod:x|y\n# CONVEX_DEPLOYMENT=old\nCONVEX_DEPLOYMENT_EXTRA=1\n",
            result.Text);
        Assert.StartsWith("# convex-infra env, 2026-11-30: commented out CONVEX_DEPLOYMENT", CloudLeftovers.Note("CONVEX_DEPLOYMENT", Day), StringComparison.Ordinal);
    }

    [Fact]
    public void Crlf_files_stay_crlf_and_clean_files_are_unchanged()
    {
        var crlf = CloudLeftovers.CommentOut("CONVEX_DEPLOY_KEY=k\r\nB=2\r\n", Day);
        Assert.DoesNotContain("\n", crlf.Text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.EndsWith("# CONVEX_DEPLOY_KEY=k\r\nB=2\r\n", crlf.Text, StringComparison.Ordinal);

        var clean = CloudLeftovers.CommentOut("CONVEX_SELF_HOSTED_URL=https://api\n", Day);
        Assert.Empty(clean.CommentedOut);
        Assert.Equal("CONVEX_SELF_HOSTED_URL=https://api\n", clean.Text);
    }
}
