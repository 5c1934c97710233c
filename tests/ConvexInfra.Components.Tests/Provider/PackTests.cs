using System.IO.Compression;
using System.Xml.Linq;
using ConvexInfra.Components.Tests.Support;

namespace ConvexInfra.Components.Tests.Provider;

/// <summary>
/// <c>dotnet pack</c> of the component library gives a package a C# Pulumi program can add: its assembly, its README,
/// authors and repository, and dependencies on Core (packed alongside, with its own README) and the Pulumi packages,
/// bounded below the next major version. Packs into a temporary folder; nothing
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
            using (var core = ZipFile.OpenRead(Path.Combine(output, "ConvexInfra.Core.0.1.0.nupkg")))
            {
                Assert.Contains("README.md", core.Entries.Select(e => e.FullName));
                var coreSpec = Nuspec(core);
                XNamespace coreNs = coreSpec.Root!.Name.Namespace;
                Assert.Equal("README.md", coreSpec.Descendants(coreNs + "readme").Single().Value);
                AssertMetadata(coreSpec);
                var coreDependencies = Dependencies(coreSpec);
                Assert.Equal("[2.7.0, 3.0.0)", coreDependencies["BouncyCastle.Cryptography"]);
                Assert.Equal("[18.1.0, 19.0.0)", coreDependencies["YamlDotNet"]);
            }

            using var package = ZipFile.OpenRead(Path.Combine(output, "ConvexInfra.Components.0.1.0.nupkg"));
            var entries = package.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/ConvexInfra.Components.dll", entries);
            Assert.Contains("README.md", entries);

            var nuspec = Nuspec(package);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            Assert.Equal("README.md", nuspec.Descendants(ns + "readme").Single().Value);
            AssertMetadata(nuspec);
            var dependencies = Dependencies(nuspec);
            Assert.Equal("0.1.0", dependencies["ConvexInfra.Core"]);

            // Bounded: the pinned version up to the next major, which may break the component.
            Assert.Equal("[3.112.1, 4.0.0)", dependencies["Pulumi"]);
            Assert.Equal("[7.48.0, 8.0.0)", dependencies["Pulumi.Aws"]);
            Assert.Equal("[5.1.0, 6.0.0)", dependencies["Pulumi.Docker"]);
            Assert.Equal("[4.21.1, 5.0.0)", dependencies["Pulumi.Random"]);
            Assert.Equal("[5.5.1, 6.0.0)", dependencies["Pulumi.Tls"]);
            Assert.Equal("[1.2.1, 2.0.0)", dependencies["Pulumi.Command"]);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    private static Dictionary<string, string> Dependencies(XDocument nuspec)
    {
        XNamespace ns = nuspec.Root!.Name.Namespace;
        return nuspec.Descendants(ns + "dependency").ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!);
    }

    /// <summary>Authors, the repository (with its type) and the project URL, as a package gallery shows them.</summary>
    private static void AssertMetadata(XDocument nuspec)
    {
        XNamespace ns = nuspec.Root!.Name.Namespace;
        Assert.False(string.IsNullOrWhiteSpace(nuspec.Descendants(ns + "authors").Single().Value));
        var repository = nuspec.Descendants(ns + "repository").Single();
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.StartsWith("https://", (string?)repository.Attribute("url"), StringComparison.Ordinal);
        Assert.Equal((string?)repository.Attribute("url"), nuspec.Descendants(ns + "projectUrl").Single().Value);
    }

    /// <summary>The configuration this test assembly was built in: the folder above its bin/&lt;configuration&gt;/&lt;tfm&gt;/.</summary>
    private static string BuildConfiguration() =>
        Directory.GetParent(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory))!.Name;
}
