namespace ConvexInfra.Components.Tests.Support;

[CollectionDefinition(DotnetCli.Collection, DisableParallelization = true)]
public sealed class DotnetCliRuns;
