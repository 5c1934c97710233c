using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Core.Tests.Outputs;

public class GithubActionsFilesTests
{
    [Fact]
    public void Single_line_values_use_name_equals_value()
    {
        var text = GithubActionsFiles.Append([new("A", "https://x", false), new("B", "p|k=1", true)], "ghadelimiter_x");
        Assert.Equal("A=https://x\nB=p|k=1\n", text);
    }

    [Fact]
    public void Multiline_values_use_the_delimiter_form()
    {
        var text = GithubActionsFiles.Append([new("PEM", "line1\nline2", false)], "ghadelimiter_123", "\r\n");
        Assert.Equal("PEM<<ghadelimiter_123\r\nline1\nline2\r\nghadelimiter_123\r\n", text);
    }

    [Fact]
    public void A_value_containing_the_delimiter_is_refused()
    {
        Assert.Throws<ArgumentException>(() => GithubActionsFiles.Append([new("V", "a\nghadelimiter_1\nb", false)], "ghadelimiter_1"));
        Assert.StartsWith("ghadelimiter_", GithubActionsFiles.NewDelimiter(), StringComparison.Ordinal);
        Assert.NotEqual(GithubActionsFiles.NewDelimiter(), GithubActionsFiles.NewDelimiter());
    }

    [Fact]
    public void Bad_names_are_refused() =>
        Assert.Throws<ArgumentException>(() => GithubActionsFiles.Append([new("A=B", "x", false)], "d"));

    [Fact]
    public void Only_secrets_are_masked_line_by_line_and_escaped()
    {
        var masks = GithubActionsFiles.MaskCommands([
            new("URL", "https://x", false),
            new("KEY", "p|100%", true),
            new("PEM", "l1\r\nl2\n\nl1", true),
        ]);
        Assert.Equal(["::add-mask::p|100%25", "::add-mask::l1", "::add-mask::l2"], masks);
    }
}
