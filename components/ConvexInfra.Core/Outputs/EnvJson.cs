using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConvexInfra.Core.Outputs;

/// <summary>The <c>json</c> env format: one object of variable names to values, in a stable order.</summary>
public static class EnvJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // URLs and keys stay readable ("a|b", not "a\u007Cb"); the output is a file, not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Render(IReadOnlyList<EnvVariable> variables)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            writer.WriteStartObject();
            foreach (var variable in variables)
            {
                writer.WriteString(variable.Name, variable.Value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
