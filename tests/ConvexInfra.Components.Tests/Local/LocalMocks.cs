using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Moq;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Local;

/// <summary>
/// Pulumi mocks for the local Docker stack: records every registered resource and returns realistic
/// computed outputs (random values, image ids) with recognisable fake secrets, so tests can look for them.
/// </summary>
internal sealed class LocalMocks
{
    /// <summary>Returned for the 32-byte instance secret (64 hex).</summary>
    public const string InstanceSecretHex = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";

    /// <summary>Returned for the 12-byte admin key nonce (24 hex).</summary>
    public const string NonceHex = "0a0b0c0d0e0f101112131415";

    public const string PostgresPassword = "MockPgPasswordAbc123XyZ789LmNoPq";

    private readonly List<MockResourceArgs> _registered = [];

    public Mock<IMocks> Mock { get; } = new(MockBehavior.Strict);

    public LocalMocks()
    {
        Mock.Setup(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()))
            .ReturnsAsync((MockResourceArgs args) => NewResource(args));
        Mock.Setup(m => m.CallAsync(It.IsAny<MockCallArgs>()))
            .ReturnsAsync((MockCallArgs args) => (object)args.Args);
        Mock.Setup(m => m.RegisterResourceOutputs(It.IsAny<MockRegisterResourceOutputsRequest>()))
            .Returns(Task.CompletedTask);
    }

    public IReadOnlyList<MockResourceArgs> Registered
    {
        get
        {
            lock (_registered)
            {
                return [.. _registered];
            }
        }
    }

    public IReadOnlyList<MockResourceArgs> OfType(string token) => Registered.Where(r => r.Type == token).ToList();

    private (string? Id, object State) NewResource(MockResourceArgs args)
    {
        lock (_registered)
        {
            _registered.Add(args);
        }

        var state = args.Inputs.ToDictionary(p => p.Key, p => p.Value);
        switch (args.Type)
        {
            case LocalTokens.RandomBytes:
                var hex = Convert.ToInt32(args.Inputs["length"]) switch
                {
                    32 => InstanceSecretHex,
                    12 => NonceHex,
                    var other => new string('c', other * 2),
                };
                state["hex"] = hex;
                state["base64"] = Convert.ToBase64String(Convert.FromHexString(hex));
                break;
            case LocalTokens.RandomPassword:
                state["result"] = PostgresPassword;
                break;
            case LocalTokens.RandomInteger:
                state["result"] = args.Inputs["min"];
                break;
            case LocalTokens.RemoteImage:
                var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((string)args.Inputs["name"])));
                state["imageId"] = $"sha256:{digest}";
                state["repoDigest"] = $"{((string)args.Inputs["name"]).Split(':')[0]}@sha256:{digest}";
                break;
            case LocalTokens.Volume:
                state["mountpoint"] = $"/var/lib/docker/volumes/{args.Inputs["name"]}/_data";
                state["driver"] = "local";
                break;
            case LocalTokens.Network:
                state["scope"] = "local";
                break;
            case LocalTokens.Container:
                state["bridge"] = string.Empty;
                state["exitCode"] = 0;
                break;
        }

        return ($"{args.Name}-id", state.ToImmutableDictionary());
    }
}

internal static class LocalTokens
{
    public const string RandomBytes = "random:index/randomBytes:RandomBytes";
    public const string RandomPassword = "random:index/randomPassword:RandomPassword";
    public const string RandomInteger = "random:index/randomInteger:RandomInteger";
    public const string RemoteImage = "docker:index/remoteImage:RemoteImage";
    public const string Volume = "docker:index/volume:Volume";
    public const string Network = "docker:index/network:Network";
    public const string Container = "docker:index/container:Container";
}
