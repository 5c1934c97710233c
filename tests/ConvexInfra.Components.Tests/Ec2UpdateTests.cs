using System.Text.Json;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Spec;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests;

/// <summary>
/// Routine changes reach the host without replacing it: the user data is the same for any image revision or
/// environment, only the release parameter changes. Rotation counters change exactly the secrets they name.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class Ec2UpdateTests
{
    private const string OtherRevision = "0123456789abcdef0123456789abcdef01234567";
    private const string OtherPassword = "AnotherMockDbPasswordSecretValue0123456";

    public static TheoryData<string> Stacks() => StackFiles.Ec2Stacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task A_new_image_revision_or_log_level_changes_the_release_but_not_the_host(string stack)
    {
        var config = StackFiles.Load(stack);
        var before = await StackRun.RunAsync(config);
        var changed = StackFiles.With(StackFiles.With(config, "convex-infra:imageRevision", OtherRevision), "convex-infra:rustLog", "debug");
        var after = await StackRun.RunAsync(changed);

        var hostBefore = before.Single("aws:ec2/instance:Instance");
        var hostAfter = after.Single("aws:ec2/instance:Instance");
        Assert.Equal(hostBefore.Text("userData"), hostAfter.Text("userData"));
        Assert.Equal(hostBefore.Text("ami"), hostAfter.Text("ami"));
        Assert.Equal(hostBefore.Text("instanceType"), hostAfter.Text("instanceType"));

        string? Release(StackRun run) => Assert.Single(run.OfType("aws:ssm/parameter:Parameter"), p => p.Text("name")?.EndsWith("/release", StringComparison.Ordinal) == true).Text("insecureValue");
        Assert.NotEqual(Release(before), Release(after));
        Assert.Contains(OtherRevision, Release(after), StringComparison.Ordinal);
        Assert.DoesNotContain(OtherRevision, hostAfter.Text("userData"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task A_changed_postgres_url_changes_the_release_through_the_parameter_version(string stack)
    {
        var config = StackFiles.Load(stack);
        var before = await StackRun.RunAsync(config);
        var again = await StackRun.RunAsync(config);
        var after = await StackRun.RunAsync(config, databasePassword: OtherPassword);

        static MockResourceArgs PostgresUrl(StackRun run) =>
            Assert.Single(run.OfType("aws:ssm/parameter:Parameter"), p => p.Text("name")?.EndsWith("/postgres-url", StringComparison.Ordinal) == true);
        Assert.NotEqual(PostgresUrl(before).Text("value"), PostgresUrl(after).Text("value"));

        // The release names the version SSM gave each secret parameter; the host reads the new value on the new release.
        static Dictionary<string, int> SecretVersions(StackRun run)
        {
            using var release = JsonDocument.Parse(run.ReleaseParameter().Text("insecureValue")!);
            return release.RootElement.GetProperty("secrets").EnumerateArray()
                .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("version").GetInt32());
        }

        Assert.Equal(MockValues.ParameterVersion(PostgresUrl(after).Text("value")! + PostgresUrl(after).Text("keyId")), SecretVersions(after)["POSTGRES_URL"]);
        Assert.Equal(SecretVersions(before), SecretVersions(again));
        Assert.NotEqual(SecretVersions(before)["POSTGRES_URL"], SecretVersions(after)["POSTGRES_URL"]);
        Assert.Equal(SecretVersions(before)["INSTANCE_SECRET"], SecretVersions(after)["INSTANCE_SECRET"]);
        Assert.Equal(before.ReleaseParameter().Text("insecureValue"), again.ReleaseParameter().Text("insecureValue"));
        Assert.NotEqual(before.ReleaseParameter().Text("insecureValue"), after.ReleaseParameter().Text("insecureValue"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Rotation_counters_change_exactly_the_keepers_they_name(string stack)
    {
        var config = StackFiles.Load(stack);
        var baseline = await StackRun.RunAsync(config);
        var newKey = await StackRun.RunAsync(StackFiles.With(config, "convex-infra:adminKeyVersion", "7"));
        var newSecret = await StackRun.RunAsync(StackFiles.With(config, "convex-infra:instanceSecretVersion", "7"));

        static IReadOnlyDictionary<string, object> Keepers(StackRun run, string type, string nameSuffix) =>
            Assert.Single(run.OfType(type), r => r.Name!.EndsWith(nameSuffix, StringComparison.Ordinal)).Map("keepers");

        const string Bytes = "random:index/randomBytes:RandomBytes";
        const string Integer = "random:index/randomInteger:RandomInteger";

        // A new admin key: nonce and issue time are replaced, the instance secret stays (old keys remain valid).
        Assert.Equal(Keepers(baseline, Bytes, "-instance-secret"), Keepers(newKey, Bytes, "-instance-secret"));
        Assert.NotEqual(Keepers(baseline, Bytes, "-admin-key-nonce"), Keepers(newKey, Bytes, "-admin-key-nonce"));
        Assert.NotEqual(Keepers(baseline, Integer, "-admin-key-issued-at"), Keepers(newKey, Integer, "-admin-key-issued-at"));

        // A new instance secret: everything is replaced, which revokes every admin key and session.
        Assert.NotEqual(Keepers(baseline, Bytes, "-instance-secret"), Keepers(newSecret, Bytes, "-instance-secret"));
        Assert.NotEqual(Keepers(baseline, Bytes, "-admin-key-nonce"), Keepers(newSecret, Bytes, "-admin-key-nonce"));
    }
}
