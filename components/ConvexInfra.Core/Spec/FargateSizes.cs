namespace ConvexInfra.Core.Spec;

/// <summary>The CPU/memory pairs Fargate accepts (Linux tasks), from the ECS task-size table.</summary>
public static class FargateSizes
{
    public static IReadOnlyList<int> CpuUnits { get; } = [256, 512, 1024, 2048, 4096, 8192, 16384];

    /// <summary>Memory values (MiB) Fargate accepts for <paramref name="cpu"/>; empty for an invalid cpu.</summary>
    public static IReadOnlyList<int> MemoryFor(int cpu) => cpu switch
    {
        256 => [512, 1024, 2048],
        512 => Range(1024, 4096, 1024),
        1024 => Range(2048, 8192, 1024),
        2048 => Range(4096, 16384, 1024),
        4096 => Range(8192, 30720, 1024),
        8192 => Range(16384, 61440, 4096),
        16384 => Range(32768, 122880, 8192),
        _ => [],
    };

    public static bool IsValid(int cpu, int memoryMb) => MemoryFor(cpu).Contains(memoryMb);

    /// <summary>The valid memory values for <paramref name="cpu"/> as short text, e.g. "2048..8192 in steps of 1024".</summary>
    public static string DescribeMemoryFor(int cpu) => cpu switch
    {
        256 => "512, 1024 or 2048",
        512 => "1024..4096 in steps of 1024",
        1024 => "2048..8192 in steps of 1024",
        2048 => "4096..16384 in steps of 1024",
        4096 => "8192..30720 in steps of 1024",
        8192 => "16384..61440 in steps of 4096",
        16384 => "32768..122880 in steps of 8192",
        _ => "no value (the cpu itself is not a Fargate size)",
    };

    private static int[] Range(int from, int to, int step) =>
        [.. Enumerable.Range(0, ((to - from) / step) + 1).Select(i => from + (i * step))];
}
