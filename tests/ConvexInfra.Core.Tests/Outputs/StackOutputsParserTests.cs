using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Core.Tests.Outputs;

public class StackOutputsParserTests
{
    internal const string Key = "convex-prod|01" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345";

    internal const string Complete = $$"""
        {
          "apiUrl": "https://api.convex.example.com",
          "siteUrl": "https://site.convex.example.com/",
          "dashboardUrl": "https://dashboard.convex.example.com",
          "adminKey": "{{Key}}",
          "instanceName": "convex-prod",
          "target": "aws-ec2",
          "tier": "prod",
          "stack": "prod",
          "region": "eu-west-1",
          "imageRevision": "0123456789abcdef0123456789abcdef01234567",
          "buckets": {"files": "b"},
          "dnsRecords": []
        }
        """;

    [Fact]
    public void Reads_every_output_of_a_complete_stack()
    {
        var outputs = StackOutputsParser.Parse(Complete);
        Assert.Equal(new Uri("https://api.convex.example.com"), outputs.ApiUrl);
        Assert.Equal("https://site.convex.example.com", StackOutputs.UrlText(outputs.SiteUrl));
        Assert.Equal("convex-prod", outputs.InstanceName);
        Assert.Equal(AdminKeyState.Present, outputs.AdminKey.State);
        Assert.Equal(Key, outputs.AdminKey.Require("test"));
        Assert.Equal("prod", outputs.Stack);
        Assert.Equal("eu-west-1", outputs.Region);
    }

    [Fact]
    public void Admin_key_never_appears_in_ToString()
    {
        var outputs = StackOutputsParser.Parse(Complete);
        Assert.DoesNotContain(Key, outputs.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef0123", outputs.AdminKey.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Redacted_admin_key_is_detected_and_explained_when_needed()
    {
        var outputs = StackOutputsParser.Parse(Complete.Replace(Key, "[secret]", StringComparison.Ordinal));
        Assert.Equal(AdminKeyState.Redacted, outputs.AdminKey.State);
        var e = Assert.Throws<StackOutputsException>(() => outputs.AdminKey.Require("--format convex-cli"));
        Assert.Contains("--show-secrets", e.Message);
        Assert.Contains("adminKey", e.Message);
        Assert.Contains("--format convex-cli", e.Message);
    }

    [Fact]
    public void Missing_admin_key_is_allowed_until_a_format_needs_it()
    {
        var outputs = StackOutputsParser.Parse("""{"apiUrl":"http://127.0.0.1:3210","siteUrl":"http://127.0.0.1:3211","dashboardUrl":"http://127.0.0.1:6791","instanceName":"local"}""");
        Assert.Equal(AdminKeyState.Missing, outputs.AdminKey.State);
        var e = Assert.Throws<StackOutputsException>(() => outputs.AdminKey.Require("verify"));
        Assert.Contains("'adminKey' is missing", e.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_naming_key_value_and_example()
    {
        var e = Assert.Throws<StackOutputsException>(() => StackOutputsParser.Parse(
            """{"apiUrl": 42, "siteUrl": "ftp://x", "dashboardUrl": "https://d.example.com?x=1", "instanceName": "a b", "adminKey": 7, "region": ["x"]}"""));
        Assert.Equal(6, e.Errors.Count);
        Assert.Contains(e.Errors, m => m.Contains("'apiUrl' must be a string, got the number 42", StringComparison.Ordinal) && m.Contains("e.g.", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.Contains("'siteUrl' must be an absolute http(s) URL, got \"ftp://x\"", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.Contains("'dashboardUrl' must be a plain origin URL", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.Contains("'instanceName' must be a non-empty name", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.Contains("'adminKey' must be a string, got the number 7", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.Contains("'region' must be a string, got an array", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_required_keys_are_named()
    {
        var e = Assert.Throws<StackOutputsException>(() => StackOutputsParser.Parse("""{"apiUrl": "https://api.example.com"}"""));
        Assert.Equal(3, e.Errors.Count);
        Assert.Contains(e.Errors, m => m.StartsWith("'siteUrl' is missing", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("'dashboardUrl' is missing", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("'instanceName' is missing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"apiUrl\": ", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("\"https://x\"", "must be a JSON object")]
    [InlineData("{}", "empty object")]
    public void Not_an_outputs_object_gets_a_clear_error(string json, string expected)
    {
        var e = Assert.Throws<StackOutputsException>(() => StackOutputsParser.Parse(json));
        Assert.Contains(expected, e.Message);
        Assert.Contains("pulumi", e.Message);
    }

    [Fact]
    public void A_redacted_non_secret_output_points_at_show_secrets()
    {
        var e = Assert.Throws<StackOutputsException>(() => StackOutputsParser.Parse(
            Complete.Replace("\"https://api.convex.example.com\"", "\"[secret]\"", StringComparison.Ordinal)));
        Assert.Contains("'apiUrl' is \"[secret]\"", e.Message);
        Assert.Contains("--show-secrets", e.Message);
    }

    [Fact]
    public void A_malformed_admin_key_is_refused_without_echoing_it()
    {
        var e = Assert.Throws<StackOutputsException>(() => StackOutputsParser.Parse(
            Complete.Replace(Key, "convex-prod|01ab cd-secret-part", StringComparison.Ordinal)));
        Assert.Contains("'adminKey' must be a non-empty key without whitespace", e.Message);
        Assert.DoesNotContain("secret-part", e.Message, StringComparison.Ordinal);
    }
}
