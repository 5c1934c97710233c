using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Core.Tests.DeploymentEnv;

public sealed class EnvFingerprintTests
{
    private static readonly Dictionary<string, string> Env = new(StringComparer.Ordinal) { ["B"] = "pin-1234", ["A"] = "x" };

    [Fact]
    public void Same_values_in_any_order_give_the_same_fingerprint()
    {
        var reordered = new Dictionary<string, string>(StringComparer.Ordinal) { ["A"] = "x", ["B"] = "pin-1234" };
        Assert.Equal(EnvFingerprint.Compute(Env, false, "key"), EnvFingerprint.Compute(reordered, false, "key"));
    }

    [Fact]
    public void A_changed_value_prune_flag_or_key_changes_it()
    {
        var baseline = EnvFingerprint.Compute(Env, false, "key");
        var changed = new Dictionary<string, string>(Env, StringComparer.Ordinal) { ["B"] = "pin-1235" };

        Assert.NotEqual(baseline, EnvFingerprint.Compute(changed, false, "key"));
        Assert.NotEqual(baseline, EnvFingerprint.Compute(Env, true, "key"));
        Assert.NotEqual(baseline, EnvFingerprint.Compute(Env, false, "other-key"));
    }

    [Fact]
    public void It_reveals_no_value_and_is_not_a_plain_hash()
    {
        var fingerprint = EnvFingerprint.Compute(Env, false, "key");
        var plain = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(EnvFingerprint.CanonicalJson(Env, false))));

        Assert.StartsWith("hmac-sha256:", fingerprint, StringComparison.Ordinal);
        Assert.Equal(12 + 64, fingerprint.Length);
        Assert.DoesNotContain("pin-1234", fingerprint, StringComparison.Ordinal);
        Assert.NotEqual("hmac-sha256:" + plain, fingerprint);
    }

    [Fact]
    public void Canonical_json_sorts_names_ordinally()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["b"] = "1", ["B"] = "2", ["a"] = "3" };
        Assert.Equal("""{"prune":false,"variables":{"B":"2","a":"3","b":"1"}}""", EnvFingerprint.CanonicalJson(env, false));
    }
}
