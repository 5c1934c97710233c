using System.Text.Json;
using ConvexInfra.Core.AdminKeys;

namespace ConvexInfra.Core.Tests.AdminKeys;

/// <summary>
/// Fixtures/admin-keys.json was produced once by a separate Node.js implementation written from the same
/// description (KBKDF via @noble/hashes hmac+sha256, AES-128-GCM-SIV via @noble/ciphers gcmsiv, legacy keys via
/// @noble/ciphers xsalsa20poly1305, protobuf encoded by hand), run in a temp directory outside the repository;
/// only its JSON output is committed. Its secrets are test-only. The script also checked itself against
/// RFC 8452 C.1 #8 and the backend's legacy test vector before writing the file.
/// </summary>
public class CrossImplementationTests
{
    public sealed record Fixture(
        string Id,
        string Format,
        string InstanceSecret,
        string InstanceName,
        string NonceHex,
        long IssuedAtUnixSeconds,
        string? MemberId,
        bool System,
        bool ReadOnly,
        string? SubkeyHex,
        string ProtoHex,
        string Key);

    private sealed record FixtureFile(string Note, IReadOnlyList<Fixture> Cases);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly IReadOnlyList<Fixture> All = Load();

    public static TheoryData<string> Ids => [.. All.Select(f => f.Id)];

    public static TheoryData<string> CurrentIds => [.. All.Where(f => f.Format == "Current").Select(f => f.Id)];

    [Fact]
    public void Fixture_file_covers_both_formats_and_all_identities()
    {
        Assert.True(All.Count >= 8);
        Assert.Contains(All, f => f.Format == "Legacy" && !f.Key.Contains('|', StringComparison.Ordinal));
        Assert.Contains(All, f => f.Format == "Current" && f.System);
        Assert.Contains(All, f => f.Format == "Current" && f.ReadOnly);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Verifier_accepts_the_independent_key_with_the_expected_fields(string id)
    {
        var f = All.Single(x => x.Id == id);
        var v = AdminKeyVerifier.Verify(f.InstanceName, InstanceSecret.Parse(f.InstanceSecret), f.Key);
        Assert.True(v.Accepted, $"{id}: {v.Message}");
        Assert.Equal(f.Format, v.Format.ToString());
        Assert.Equal(f.InstanceName, v.InstanceName);
        Assert.Equal(f.System, v.Identity!.IsSystem);
        Assert.Equal(f.System ? 0UL : ulong.Parse(f.MemberId!), v.Identity.MemberId);
        Assert.Equal(f.ReadOnly, v.ReadOnly);
        Assert.Equal((ulong)f.IssuedAtUnixSeconds, v.IssuedAtUnixSeconds);
    }

    [Theory]
    [MemberData(nameof(CurrentIds))]
    public void Issuer_reproduces_the_independent_key_byte_for_byte(string id)
    {
        var f = All.Single(x => x.Id == id);
        var secret = InstanceSecret.Parse(f.InstanceSecret);
        var options = AdminKeyOptions.FromHex(f.NonceHex, f.IssuedAtUnixSeconds) with
        {
            System = f.System,
            ReadOnly = f.ReadOnly,
            MemberId = f.System ? 0 : ulong.Parse(f.MemberId!),
        };
        Assert.Equal(f.SubkeyHex, Convert.ToHexStringLower(KeyDerivation.AdminKeySubkey(secret)));
        var identity = f.System ? AdminKeyIdentity.System : AdminKeyIdentity.Member(options.MemberId);
        Assert.Equal(f.ProtoHex, Convert.ToHexStringLower(AdminKeyProto.Encode(new AdminKeyClaims(null, (ulong)f.IssuedAtUnixSeconds, identity, f.ReadOnly))));

        var key = AdminKeyIssuer.Issue(f.InstanceName, secret, options);
        Assert.Equal(f.Key[(f.Key.IndexOf('|', StringComparison.Ordinal) + 1)..], key[(f.InstanceName.Length + 1)..]);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Independent_keys_fail_under_another_secret_and_another_name(string id)
    {
        var f = All.Single(x => x.Id == id);
        var other = InstanceSecret.Parse("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
        Assert.Equal(AdminKeyRejectionReason.DecryptionFailed, AdminKeyVerifier.Verify(f.InstanceName, other, f.Key).Reason);
        Assert.Equal(AdminKeyRejectionReason.WrongInstanceName, AdminKeyVerifier.Verify("not-" + f.InstanceName, InstanceSecret.Parse(f.InstanceSecret), f.Key).Reason);
    }

    private static IReadOnlyList<Fixture> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "AdminKeys", "Fixtures", "admin-keys.json");
        var file = JsonSerializer.Deserialize<FixtureFile>(File.ReadAllText(path), Json)
            ?? throw new InvalidOperationException($"{path} is empty");
        return file.Cases;
    }
}
