using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

public sealed class StackFileEditTests
{
    private const string Old = "4d3b0a5de955a258e70e3813bbff486051d88820";
    private const string New = "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf";

    [Theory]
    [InlineData("  convex-infra:imageRevision: {0}\n")]
    [InlineData("  convex-infra:imageRevision: '{0}'   # pinned\n")]
    [InlineData("  convex-infra:imageRevision: \"{0}\"\r\n")]
    [InlineData("  convex-infra:imageRevision:    {0} # same revision in the comment: {0}\n")]
    public void Only_the_value_changes_whatever_its_quoting(string line)
    {
        var before = $"# header {Old}\nconfig:\n  aws:region: eu-west-1\n" + string.Format(System.Globalization.CultureInfo.InvariantCulture, line, Old) + "  convex-infra:target: aws-ec2\n";
        var expected = $"# header {Old}\nconfig:\n  aws:region: eu-west-1\n" +
            string.Format(System.Globalization.CultureInfo.InvariantCulture, line, Old).ReplaceFirst(Old, New) + "  convex-infra:target: aws-ec2\n";

        Assert.Equal(expected, StackFileEdit.SetScalar(before, SettingKeys.ImageRevision, New));
    }

    [Theory]
    [InlineData("config:\n  convex-infra:target: aws-ec2\n")]
    [InlineData("config:\n  convex-infra:imageRevision:\n    - a\n")]
    public void A_missing_or_structured_value_is_refused_with_the_key(string yaml)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StackFileEdit.SetScalar(yaml, SettingKeys.ImageRevision, New));
        Assert.StartsWith("convex-infra:imageRevision: not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_would_need_quoting_is_refused() =>
        Assert.Throws<ArgumentException>(() => StackFileEdit.SetScalar("config:\n  convex-infra:imageRevision: x\n", SettingKeys.ImageRevision, "a: b"));
}

internal static class StringExtensions
{
    public static string ReplaceFirst(this string text, string old, string replacement)
    {
        var at = text.IndexOf(old, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + old.Length)..];
    }
}
