using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConvexInfra.Core.Verify;

/// <summary>The verify report as text (one line per check) or JSON, and its verdict.</summary>
public static class VerifyReport
{
    public static bool Healthy(IEnumerable<CheckResult> results) => results.All(r => r.Status != CheckStatus.Fail);

    /// <summary>One line per check: status, name, detail, and for a warning or failure its cause and fix.</summary>
    public static string Text(IReadOnlyList<CheckResult> results)
    {
        var width = results.Count == 0 ? 0 : results.Max(r => r.Name.Length);
        var text = new StringBuilder();
        foreach (var result in results)
        {
            text.Append(Label(result.Status)).Append("  ").Append(result.Name.PadRight(width)).Append("  ").Append(result.Detail);
            if (result.Cause is not null)
            {
                text.Append(" | likely cause: ").Append(result.Cause);
            }

            if (result.Fix is not null)
            {
                text.Append(" | fix: ").Append(result.Fix);
            }

            text.Append('\n');
        }

        text.Append(Summary(results)).Append('\n');
        return text.ToString();
    }

    public static string Summary(IReadOnlyList<CheckResult> results)
    {
        int Count(CheckStatus status) => results.Count(r => r.Status == status);
        var verdict = Healthy(results) ? "healthy" : "NOT healthy";
        return $"verify: {verdict}: {Count(CheckStatus.Pass)} passed, {Count(CheckStatus.Fail)} failed, {Count(CheckStatus.Warn)} warnings, {Count(CheckStatus.Skip)} skipped";
    }

    public static string Json(IReadOnlyList<CheckResult> results, int attempts)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("healthy", Healthy(results));
            writer.WriteNumber("attempts", attempts);
            writer.WriteStartArray("checks");
            foreach (var result in results)
            {
                writer.WriteStartObject();
                writer.WriteString("name", result.Name);
                writer.WriteString("status", result.Status.ToString().ToLowerInvariant());
                writer.WriteString("detail", result.Detail);
                if (result.Cause is not null)
                {
                    writer.WriteString("cause", result.Cause);
                }

                if (result.Fix is not null)
                {
                    writer.WriteString("fix", result.Fix);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static string Label(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "PASS",
        CheckStatus.Warn => "WARN",
        CheckStatus.Skip => "SKIP",
        _ => "FAIL",
    };
}
