using System.Reflection;
using ConvexInfra.Core.AdminKeys;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.ConvexAuth;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Outputs;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Verify;

namespace ConvexInfra.Core.Tests.Facts;

/// <summary>
/// Whatever the product relies on about Convex is a row of the facts table: every variable it renders or names,
/// every CLI flag it passes, every endpoint, header, port and image it uses, and every limit it works around (its own
/// numbers compared with the table's). A new reliance without a cited row fails here.
/// </summary>
public sealed class ConvexFactsProductTests
{
    private static readonly ConvexFacts Table = ConvexFacts.Embedded();

    [Fact]
    public void Every_container_variable_name_the_product_knows_is_cited()
    {
        var names = typeof(ConvexEnvNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.NotEmpty(names);
        var cited = Table.Names("env");
        Assert.All(names, name => Assert.True(cited.Contains(name), $"ConvexEnvNames has {name}, which convex-facts.json does not cite as an env fact"));
    }

    [Theory]
    [MemberData(nameof(TestSpecs.AllNames), MemberType = typeof(TestSpecs))]
    public void Every_variable_rendered_into_a_container_is_cited(string stack)
    {
        var spec = TestSpecs.Named(stack);
        var rendered = ConvexEnvironment.Backend(spec, TestSpecs.AwsFor(spec)).Names
            .Concat(ConvexEnvironment.Dashboard(spec).Select(v => v.Name)).ToList();
        var cited = Table.Names("env");
        Assert.All(rendered, name => Assert.True(cited.Contains(name), $"{stack} renders {name}, which convex-facts.json does not cite as an env fact"));
    }

    [Fact]
    public void Names_the_table_records_as_absent_are_never_rendered()
    {
        var absent = Table.Names("absent");
        foreach (var spec in TestSpecs.All)
        {
            var rendered = ConvexEnvironment.Backend(spec, TestSpecs.AwsFor(spec)).Names.Concat(ConvexEnvironment.Dashboard(spec).Select(v => v.Name));
            Assert.DoesNotContain(rendered, absent.Contains);
        }
    }

    [Fact]
    public void The_backend_serves_metrics_only_where_the_cloudwatch_agent_scrapes_them()
    {
        // Since 652b828 the backend reads DISABLE_METRICS_ENDPOINT. AWS targets leave /metrics on for the agent (through
        // the relay on loopback; the proxies answer 404 from outside); the local target has no agent and switches it off.
        Assert.Equal("env", Table.Get("env-disable-metrics-endpoint").Kind);
        foreach (var spec in TestSpecs.All)
        {
            var env = ConvexEnvironment.Backend(spec, TestSpecs.AwsFor(spec));
            var disabled = env.Plain.Any(v => v.Name == ConvexEnvNames.DisableMetricsEndpoint && v.Value == "true");
            Assert.True(disabled == (spec.Region is null), $"{spec.StackName}: DISABLE_METRICS_ENDPOINT set = {disabled}");
        }
    }

    [Fact]
    public void Convex_cli_variables_and_flags_the_product_uses_are_cited()
    {
        var cliEnv = Table.Names("cli-env");
        string[] used =
        [
            ExportTask.UrlVariable, ExportTask.AdminKeyVariable, .. CloudLeftovers.Names, .. ConvexCliCalls.Environment("https://a", "k").Keys,
            EnvVariables.ConvexSelfHostedUrl, EnvVariables.ConvexSelfHostedAdminKey, EnvVariables.ViteConvexUrl, EnvVariables.NextPublicConvexUrl,
        ];
        Assert.All(used, name => Assert.True(cliEnv.Contains(name), $"{name} is used with the Convex CLI but not cited as a cli-env fact"));
        Assert.Contains(EnvVariables.ConvexSiteUrl, Table.Names("function-env"));

        var flags = Table.Names("cli-flag").SelectMany(f => f.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)).Where(t => t.StartsWith('-')).ToHashSet(StringComparer.Ordinal);
        var passed = ConvexCliCalls.Export("x.zip").Concat(ConvexCliCalls.Import("x.zip", replaceAll: true)).Concat(ConvexCliCalls.Import("x.zip", replaceAll: false))
            .Where(a => a.StartsWith('-')).Distinct().ToList();
        Assert.NotEmpty(passed);
        Assert.All(passed, flag => Assert.True(flags.Contains(flag), $"npx convex is called with {flag}, which convex-facts.json does not cite"));
    }

    [Fact]
    public void Convex_auth_and_built_in_deployment_variables_are_cited()
    {
        var functionEnv = Table.Names("function-env");
        Assert.All(new ConvexAuthVariables("k", "j", "s").ToMap().Keys, name => Assert.Contains(name, functionEnv));
        Assert.All(DeploymentEnvRules.BuiltInNames, name => Assert.Contains(name, functionEnv));
    }

    [Fact]
    public void Deployment_variable_rules_are_the_backends()
    {
        Assert.Equal(DeploymentEnvRules.NamePatternText, Table.Get("rule-env-var-name").Value);
        Assert.Equal(DeploymentEnvRules.MaxNameLength, Table.Number("limit-env-var-name-length"));
        Assert.Equal(DeploymentEnvRules.MaxValueBytes, Table.Number("limit-env-var-value-bytes"));
        Assert.Equal(DeploymentEnvRules.MaxVariables, Table.Number("limit-env-var-count"));
        Assert.Equal(DeploymentEnvRules.MaxTotalBytes, Table.Number("limit-env-var-total-bytes"));
        Assert.Equal(["CONVEX_CLOUD_URL", "CONVEX_SITE_URL"], DeploymentEnvRules.BuiltInNames);
    }

    [Fact]
    public void Endpoints_and_system_functions_the_product_calls_are_cited()
    {
        string[] paths =
        [
            DeploymentEnvClient.QueryPath, DeploymentEnvClient.UpdatePath, DeploymentEnvClient.VersionPath, FunctionChecks.QueryPath, BackendChecks.SyncPath,
            .. AlbRoutingPlan.For(TestSpecs.EcsStaging).Targets.Where(t => t.ContainerName != EcsContainers.Dashboard).Select(t => t.HealthCheckPath),
        ];
        Assert.All(paths, path => Assert.True(FactPaths.IsCited(Table, path), $"the product calls {path}, which convex-facts.json does not cite as a path"));
        var functions = Table.Names("function");
        Assert.Contains(DeploymentEnvClient.ListFunction, functions);
        Assert.Contains(FunctionChecks.ApiSpecFunction, functions);
        Assert.Contains(RestoredCounter.TablesFunction, functions);
        Assert.Contains(RestoredCounter.TableSizeFunction, functions);
        Assert.Contains(RestoredCounter.NumFilesFunction, functions);
    }

    [Fact]
    public void Every_backend_path_in_the_product_source_is_cited()
    {
        var strays = FactPaths.InSources(RepoFiles.ProductSources())
            .Where(hit => !FactPaths.IsCited(Table, hit.Path)).Select(hit => $"{hit.File}: {hit.Path}").Distinct().ToList();
        Assert.True(strays.Count == 0, "backend paths the product uses without a convex-facts.json row: " + string.Join(", ", strays));
    }

    [Fact]
    public void The_admin_key_header_ports_and_images_are_the_cited_ones()
    {
        Assert.StartsWith("Authorization: Convex ", Table.Get("header-authorization-convex").Name, StringComparison.Ordinal);
        Assert.Equal(HostLayout.BackendPort, Table.Number("port-api"));
        Assert.Equal(EcsContainers.ApiPort, Table.Number("port-api"));
        Assert.Equal(LocalPlanner.ApiContainerPort, Table.Number("port-api"));
        Assert.Equal(EcsContainers.SitePort, Table.Number("port-site-proxy"));
        Assert.Equal(LocalPlanner.SiteContainerPort, Table.Number("port-site-proxy"));
        Assert.Equal(HostLayout.DashboardPort, Table.Number("port-dashboard"));
        Assert.Equal(EcsContainers.DashboardPort, Table.Number("port-dashboard"));
        Assert.Equal(LocalPlanner.DashboardContainerPort, Table.Number("port-dashboard"));
        var spec = TestSpecs.Ec2Dev;
        Assert.Equal($"{Table.Get("image-backend").Name}:{spec.ImageRevision}", spec.BackendImage);
        Assert.Equal($"{Table.Get("image-dashboard").Name}:{spec.ImageRevision}", spec.DashboardImage);
    }

    [Fact]
    public void The_admin_key_algorithm_uses_the_cited_constants()
    {
        Assert.Equal(KeyDerivation.AdminKeyPurpose, Table.Get("admin-key-purpose").Value);
        Assert.Equal(AdminKeyIssuer.Version, Table.Number("admin-key-version"));
        Assert.Equal(InstanceSecret.ByteLength, Table.Number("instance-secret-bytes"));
        Assert.Equal("AES-128-GCM-SIV", Table.Get("admin-key-cipher").Value);
        var key = AdminKeyIssuer.Issue("acme-chat", InstanceSecret.Parse(TestSpecs.FakeInstanceSecret));
        Assert.StartsWith("acme-chat|01", key, StringComparison.Ordinal);
    }

    [Fact]
    public void Proxy_and_load_balancer_timeouts_outlast_the_backends_request_cut_off()
    {
        var cut = Table.Number("limit-http-request-timeout");
        Assert.Equal(cut, BackendKnobValues.Upstream.HttpServerTimeoutSeconds);
        Assert.Equal(Table.Number("limit-site-proxy-timeout"), BackendKnobValues.Upstream.HttpServerTimeoutSeconds);
        foreach (var seconds in new[] { BackendKnobs.HttpServerTimeoutSeconds.Min, cut, BackendKnobs.HttpServerTimeoutSeconds.Max })
        {
            Assert.True(Caddyfile.ProxyTimeoutSeconds(seconds) > seconds, $"Caddy gives up after {Caddyfile.ProxyTimeoutSeconds(seconds)} s, before the backend's {seconds} s cut-off");
            Assert.True(EcsDeploymentSettings.LoadBalancerIdleTimeoutSeconds(seconds) > seconds, $"the ALB idle timeout is not above the backend's {seconds} s cut-off");
            Assert.InRange(EcsDeploymentSettings.LoadBalancerIdleTimeoutSeconds(seconds), 1, 4000); // the ALB's idle-timeout range
        }
    }

    [Fact]
    public void Every_backend_knob_is_an_env_fact_whose_value_is_its_upstream_default()
    {
        Assert.All(BackendKnobs.All, knob =>
        {
            var fact = Table.Get(knob.FactId);
            Assert.Equal("env", fact.Kind);
            Assert.Equal(knob.EnvName, fact.Name);
            Assert.Equal(knob.UpstreamDefault, Table.Number(knob.FactId));
            Assert.Equal(knob.UpstreamDefault, knob.Get(BackendKnobValues.Upstream));
            Assert.InRange(knob.UpstreamDefault, knob.Min, knob.Max);
            Assert.Contains(fact.Sources, s => s.File == "crates/common/src/knobs.rs" && s.Match.Contains(knob.EnvName, StringComparison.Ordinal));
        });
    }

    [Fact]
    public void The_proxies_accept_a_push_of_the_backends_maximum_size()
    {
        var megabytes = int.Parse(Caddyfile.MaxRequestBody.Replace("MB", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(megabytes * 1_000_000L >= Table.Number("limit-push-bytes"), $"Caddy's {Caddyfile.MaxRequestBody} is below the backend's push limit");
    }

    [Fact]
    public void The_retention_default_differs_from_the_cited_code_default_on_purpose()
    {
        Assert.Equal(1_209_600, Table.Number("env-document-retention-delay"));
        Assert.True(TierDefaults.DocumentRetentionDelaySeconds < Table.Number("env-document-retention-delay"));
    }
}
