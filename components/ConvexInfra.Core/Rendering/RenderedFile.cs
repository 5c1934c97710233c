namespace ConvexInfra.Core.Rendering;

/// <summary>One rendered text file: where it goes, what it holds, and its octal mode (e.g. "0600").</summary>
public sealed record RenderedFile(string Path, string Content, string Permissions);
