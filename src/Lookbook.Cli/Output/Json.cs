using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lookbook.Cli.Output;

/// <summary>The one JSON style of <c>--json</c> output: camelCase, indented, no nulls.</summary>
internal static class Json
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Write<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Options));
}
