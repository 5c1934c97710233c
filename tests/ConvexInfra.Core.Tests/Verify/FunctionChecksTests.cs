using ConvexInfra.Core.Verify;

namespace ConvexInfra.Core.Tests.Verify;

public class FunctionChecksTests
{
    private const string Key = "k|01";
    private const string Url = "https://api.example.com/api/query";

    private static HttpObservation Answer(int status, string body) => HttpObservation.Answered(Url, status, body);

    [Fact]
    public void An_empty_spec_fails_with_the_deploy_hint()
    {
        var result = FunctionChecks.Check(Answer(200, """{"status":"success","value":[],"logLines":[]}"""), Key, null, null);
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Equal("no functions deployed: run npx convex deploy", result.Detail);
    }

    [Fact]
    public void Allowing_none_deployed_turns_only_the_empty_backend_into_a_warning()
    {
        var empty = FunctionChecks.Check(Answer(200, """{"status":"success","value":[],"logLines":[]}"""), Key, null, null);
        var unreadable = FunctionChecks.Check(Answer(200, "not json"), Key, null, null);
        var refused = FunctionChecks.Check(Answer(401, ""), Key, null, null);

        var allowed = FunctionChecks.AllowNoneDeployed(empty);
        Assert.Equal(CheckStatus.Warn, allowed.Status);
        Assert.Equal(FunctionChecks.NoneDeployed, allowed.Detail);
        Assert.Equal(empty.Fix, allowed.Fix);
        Assert.Same(unreadable, FunctionChecks.AllowNoneDeployed(unreadable));
        Assert.Same(refused, FunctionChecks.AllowNoneDeployed(refused));
    }

    [Fact]
    public void Functions_and_routes_are_counted_and_an_expected_one_found()
    {
        const string body = """{"status":"success","value":[{"identifier":"messages.js:list","functionType":"Query"},{"identifier":"dir/file.js:default"},{"functionType":"HttpAction","method":"GET","path":"/x"}]}""";
        Assert.Equal("2 function(s) and 1 HTTP route(s) deployed", FunctionChecks.Check(Answer(200, body), Key, null, null).Detail);
        Assert.Equal(CheckStatus.Pass, FunctionChecks.Check(Answer(200, body), Key, null, "messages:list").Status);
        Assert.Equal(CheckStatus.Pass, FunctionChecks.Check(Answer(200, body), Key, null, "dir/file").Status);
        var missing = FunctionChecks.Check(Answer(200, body), Key, null, "messages:send");
        Assert.Equal(CheckStatus.Fail, missing.Status);
        Assert.Contains("'messages:send' is not deployed", missing.Detail);
    }

    [Theory]
    [InlineData("messages.js:list", "messages:list")]
    [InlineData("messages.ts:list", "messages:list")]
    [InlineData("messages", "messages:default")]
    [InlineData("dir\\a.js:f", "dir/a:f")]
    public void Names_normalize(string given, string expected) => Assert.Equal(expected, FunctionChecks.Normalize(given));

    [Fact]
    public void A_refused_key_an_error_answer_and_no_key_are_told_apart()
    {
        Assert.Contains("answered 401", FunctionChecks.Check(Answer(401, """{"code":"BadAdminKey"}"""), Key, null, null).Detail);
        Assert.Equal(CheckStatus.Fail, FunctionChecks.Check(Answer(200, """{"status":"error","errorMessage":"x"}"""), Key, null, null).Status);
        Assert.Equal(CheckStatus.Fail, FunctionChecks.Check(Answer(200, "<html>"), Key, null, null).Status);
        Assert.Equal(CheckStatus.Skip, FunctionChecks.Check(null, null, "adminKey is [secret]", null).Status);
        Assert.Equal("""{"path":"_system/cli/modules:apiSpec","args":[{}],"format":"convex_encoded_json"}""", FunctionChecks.RequestBody());
    }
}
