using System.IO.Compression;
using System.Xml.Linq;
using ConvexInfra.Components.Tests.Support;

namespace ConvexInfra.Components.Tests.Provider;

/// <summary>
/// <c>dotnet pack</c> of the component library gives a package a C# Pulumi program can add: its assembly, its README,
/// and dependencies on Core (packed alongside) and the pinned Pulumi packages. Packs into a temporary folder; nothing
/// is committed.
/// </summary>
[Collection(DotnetCli.Collection)]
public sealed class PackTests
{
    [Fact]
    [Trait("Category", "Tools")]
    public async Task Components_pack_with_readme_and_core_as_a_dependency()
    {
        var output = Directory.CreateTempSubdirectory("convex-pack-").FullName;
        try
        {
            // Packs what the build of this test project already compiled (same configuration, --no-build): a second,
            // Release compile of both projects made this the slowest test of the suite and checked nothing more.
            foreach (var project in new[] { "components/ConvexInfra.Core", "components/ConvexInfra.Components" })
            {
                var (exitCode, log) = await DotnetCli.RunAsync("pack", RepoRoot.File(project), "--no-build", "-c", BuildConfiguration(), "-o", output);
                Assert.True(exitCode == 0, $"dotnet pack {project} failed:\n{log}");
            }

            Assert.True(File.Exists(Path.Combine(output, "ConvexInfra.Core.0.1.0.nupkg")), "ConvexInfra.Core was not packed");
            using var package = ZipFile.OpenRead(Path.Combine(output, "ConvexInfra.Components.0.1.0.nupkg"));
            var entries = package.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/ConvexInfra.Components.dll", entries);
            Assert.Contains("README.md", entries);

            using var nuspecStream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var nuspec = XDocument.Load(nuspecStream);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            Assert.Equal("README.md", nuspec.Descendants(ns + "readme").Single().Value);
            var dependencies = nuspec.Descendants(ns + "dependency").ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!);
            Assert.Equal("0.1.0", dependencies["ConvexInfra.Core"]);
            Assert.Equal("3.112.1", dependencies["Pulumi"]);
            Assert.Equal("7.48.0", dependencies["Pulumi.Aws"]);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>The configuration this test assembly was built in: the folder above its bin/&lt;configuration&gt;/&lt;tfm&gt;/.</summary>
    private static string BuildConfiguration() =>
        Directory.GetParent(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory))!.Name;
}
