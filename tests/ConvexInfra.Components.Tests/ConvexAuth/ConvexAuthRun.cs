using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using ConvexInfra.Components.Tests.Local;
using ConvexInfra.Core.Spec;
using Moq;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.ConvexAuth;

/// <summary>
/// One mocked <c>pulumi up</c> of a local <see cref="ConvexDeployment"/> with extra settings. The shared local
/// mocks answer every resource; the TLS key answers with a real RSA key so Core's conversion runs for real.
/// </summary>
internal sealed record ConvexAuthRun(DeploymentSpec Spec, ConvexDeployment Deployment, IReadOnlyList<MockResourceArgs> Registered, string Pkcs8Pem)
{
    public const string TlsKey = "tls:index/privateKey:PrivateKey";
    public const string Command = "command:local:Command";

    /// <summary>One key for the whole test run: RSA generation is slow and the tests compare runs.</summary>
    private static readonly string SharedPem = CreatePem();

    /// <summary>The local stack file with some settings replaced, as the typed args will carry them.</summary>
    public static StackConfig SpecWith(params (string Key, string Value)[] settings)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "stacks", "Pulumi.local.yaml");
        var config = StackFile.Load(path);
        var values = new Dictionary<string, ConfigValue>(config.Values);
        foreach (var (key, value) in settings)
        {
            values[$"{SettingKeys.Namespace}:{key}"] = value == "<secret>" ? ConfigValue.Secret() : new ConfigValue(value);
        }

        var changed = config with { Values = values };
        var result = SettingsReader.Read(changed);
        return result.IsValid ? changed : throw new InvalidOperationException(string.Join(Environment.NewLine, result.Errors));
    }

    public static async Task<ConvexAuthRun> UpAsync(StackConfig config, IReadOnlyDictionary<string, string>? secrets = null)
    {
        var spec = SettingsReader.Read(config).Spec!;
        var mocks = new LocalMocks();
        var registered = new ConcurrentQueue<MockResourceArgs>();
        var local = mocks.Mock.Object;
        var auth = new Mock<IMocks>(MockBehavior.Strict);
        auth.Setup(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>())).Returns(async (MockResourceArgs args) =>
        {
            registered.Enqueue(args);
            if (args.Type == LocalTokens.RandomInteger)
            {
                // ConvexDeployment issues the admin key "now"; a fixed time keeps the HMAC trigger comparable across runs.
                var fixedTime = args.Inputs.ToDictionary(p => p.Key, p => p.Value);
                // Pulumi numbers are doubles on the wire; a long is not a supported argument type.
                fixedTime["result"] = (double)LocalStackRun.IssuedAt;
                return ($"{args.Name}-id", (object)fixedTime.ToImmutableDictionary());
            }

            if (args.Type != TlsKey)
            {
                return await local.NewResourceAsync(args);
            }

            var state = args.Inputs.ToDictionary(p => p.Key, p => p.Value);
            state["privateKeyPemPkcs8"] = SharedPem;
            state["publicKeyPem"] = "public";
            return ($"{args.Name}-id", (object)state.ToImmutableDictionary());
        });
        auth.Setup(m => m.CallAsync(It.IsAny<MockCallArgs>())).Returns((MockCallArgs args) => local.CallAsync(args));
        auth.Setup(m => m.RegisterResourceOutputs(It.IsAny<MockRegisterResourceOutputsRequest>())).Returns(Task.CompletedTask);

        ConvexDeployment? deployment = null;
        await Pulumi.Deployment.TestAsync(
            auth.Object,
            new TestOptions { ProjectName = spec.ProjectName, StackName = spec.StackName, IsPreview = false },
            async () =>
            {
                var args = ConvexDeploymentSettings.FromStackConfig(config);
                if (secrets is not null)
                {
                    args.DeploymentEnvSecrets = Output.CreateSecret(secrets.ToImmutableDictionary());
                }

                deployment = await ConvexDeployment.CreateAsync("convex", args);
            });
        return new ConvexAuthRun(spec, deployment!, [.. registered], SharedPem);
    }

    public IReadOnlyList<MockResourceArgs> OfType(string type) => Registered.Where(r => r.Type == type).ToList();

    private static string CreatePem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }
}
