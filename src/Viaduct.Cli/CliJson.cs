using System.Text.Json;
using System.Text.Json.Serialization;

namespace Viaduct.Cli;

/// <summary>The JSON every <c>--json</c> prints: camelCase, indented, enums and nulls as they are.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
