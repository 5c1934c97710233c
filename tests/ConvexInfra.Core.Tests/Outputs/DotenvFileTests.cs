using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Core.Tests.Outputs;

public class DotenvFileTests
{
    private const string Header = "Convex stack 'prod' (written by convex-infra env)";

    private static readonly EnvVariable[] Owned =
    [
        new("CONVEX_SELF_HOSTED_URL", "https://api.example.com", false),
        new("CONVEX_SELF_HOSTED_ADMIN_KEY", "prod|01ab", true),
    ];

    [Fact]
    public void Fresh_file_is_header_and_assignments()
    {
        Assert.Equal(
            "# Convex stack 'prod' (written by convex-infra env)\nCONVEX_SELF_HOSTED_URL=https://api.example.com\nCONVEX_SELF_HOSTED_ADMIN_KEY='prod|01ab'\n",
            DotenvFile.Render(Owned, Header));
        Assert.Equal(DotenvFile.Render(Owned, Header), DotenvFile.Merge(string.Empty, Owned, Header));
    }

    [Fact]
    public void Merge_replaces_owned_keys_in_place_and_keeps_everything_else()
    {
        const string existing = """
            # my app
            VITE_FEATURE=on   # keep me
            export CONVEX_SELF_HOSTED_URL="http://old:3210" # points at prod

            CONVEX_SELF_HOSTED_ADMIN_KEY=old|key
            OTHER='x'
            """;
        var merged = DotenvFile.Merge(existing + "\n", Owned, Header);
        Assert.Equal("""
            # my app
            VITE_FEATURE=on   # keep me
            export CONVEX_SELF_HOSTED_URL=https://api.example.com # points at prod

            CONVEX_SELF_HOSTED_ADMIN_KEY='prod|01ab'
            OTHER='x'

            """.ReplaceLineEndings("\n"), merged);
    }

    [Fact]
    public void Merge_appends_missing_keys_under_the_header_and_is_idempotent()
    {
        var once = DotenvFile.Merge("A=1\n\n\n", Owned, Header);
        Assert.Equal("A=1\n\n# " + Header + "\nCONVEX_SELF_HOSTED_URL=https://api.example.com\nCONVEX_SELF_HOSTED_ADMIN_KEY='prod|01ab'\n", once);
        Assert.Equal(once, DotenvFile.Merge(once, Owned, Header));
    }

    [Fact]
    public void Merge_drops_later_duplicates_of_an_owned_key_since_dotenv_lets_the_last_win()
    {
        var merged = DotenvFile.Merge("CONVEX_SELF_HOSTED_URL=a\nB=2\nCONVEX_SELF_HOSTED_URL=b\nCONVEX_SELF_HOSTED_ADMIN_KEY=k\n", Owned, Header);
        Assert.Equal("CONVEX_SELF_HOSTED_URL=https://api.example.com\nB=2\nCONVEX_SELF_HOSTED_ADMIN_KEY='prod|01ab'\n", merged);
    }

    [Fact]
    public void Merge_replaces_a_multiline_owned_value_whole_and_leaves_other_multiline_values_alone()
    {
        const string existing = "CERT=\"-----BEGIN\nCONVEX_SELF_HOSTED_URL=inside-a-value\n-----END\"\nCONVEX_SELF_HOSTED_ADMIN_KEY=\"line1\nline2\" # old\nTAIL=1\n";
        var merged = DotenvFile.Merge(existing, Owned, Header);
        Assert.Equal(
            "CERT=\"-----BEGIN\nCONVEX_SELF_HOSTED_URL=inside-a-value\n-----END\"\nCONVEX_SELF_HOSTED_ADMIN_KEY='prod|01ab' # old\nTAIL=1\n\n# " + Header + "\nCONVEX_SELF_HOSTED_URL=https://api.example.com\n",
            merged);
    }

    [Fact]
    public void Merge_keeps_crlf_line_endings()
    {
        var merged = DotenvFile.Merge("# win\r\nCONVEX_SELF_HOSTED_URL=x\r\nZ=1\r\n", Owned, Header);
        Assert.Equal("# win\r\nCONVEX_SELF_HOSTED_URL=https://api.example.com\r\nZ=1\r\n\r\n# " + Header + "\r\nCONVEX_SELF_HOSTED_ADMIN_KEY='prod|01ab'\r\n", merged);
        Assert.DoesNotContain("\n", merged.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_adds_a_final_newline_and_ignores_lookalike_keys()
    {
        var merged = DotenvFile.Merge("# CONVEX_SELF_HOSTED_URL=commented\nMY_CONVEX_SELF_HOSTED_URL=keep", Owned, Header);
        Assert.StartsWith("# CONVEX_SELF_HOSTED_URL=commented\nMY_CONVEX_SELF_HOSTED_URL=keep\n\n# ", merged, StringComparison.Ordinal);
        Assert.EndsWith("\n", merged, StringComparison.Ordinal);
    }

    [Fact]
    public void Unclosed_quote_is_read_like_dotenv_as_a_one_line_value()
    {
        var merged = DotenvFile.Merge("CONVEX_SELF_HOSTED_URL=\"broken\nKEEP=1\n", Owned, Header);
        Assert.StartsWith("CONVEX_SELF_HOSTED_URL=https://api.example.com\nKEEP=1\n", merged, StringComparison.Ordinal);
    }
}
