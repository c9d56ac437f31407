using System.Globalization;
using System.Text.Json;
using Viaduct.CommCare.Api;

namespace Viaduct.CommCare.Faults;

/// <summary>
/// The control endpoint's JSON for fault settings (snake_case, times in milliseconds or seconds):
/// <code>
/// {"failure_rate": 0.1, "failure_status_codes": [500, 503], "throttle_rate": 0.05, "retry_after_seconds": 2,
///  "fail_after_apply_rate": 0, "latency_ms": 0, "methods": ["POST"], "seed": 42, "script": [503, 429, "after_apply"]}
/// </code>
/// A change names only what it changes; the rest stays as it is. <c>"seed": null</c> removes the seed.
/// </summary>
internal static class FaultSettingsJson
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "failure_rate", "failure_status_codes", "throttle_rate", "retry_after_seconds", "fail_after_apply_rate",
        "latency_ms", "methods", "seed", "script",
    };

    public static void Write(Utf8JsonWriter writer, FaultOptions settings, IReadOnlyList<ScriptedFault> script)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(script);
        writer.WriteStartObject();
        writer.WriteNumber("failure_rate", settings.FailureRate);
        writer.WriteStartArray("failure_status_codes");
        foreach (var code in settings.FailureStatusCodes.Count > 0 ? settings.FailureStatusCodes : [.. FaultOptions.DefaultFailureStatusCodes])
        {
            writer.WriteNumberValue(code);
        }

        writer.WriteEndArray();
        writer.WriteNumber("throttle_rate", settings.ThrottleRate);
        writer.WriteNumber("retry_after_seconds", RetryAfterSeconds(settings.RetryAfter));
        writer.WriteNumber("fail_after_apply_rate", settings.FailAfterApplyRate);
        writer.WriteNumber("latency_ms", (long)settings.Latency.TotalMilliseconds);
        writer.WriteStartArray("methods");
        foreach (var method in settings.Methods)
        {
            writer.WriteStringValue(method.ToUpperInvariant());
        }

        writer.WriteEndArray();
        if (settings.Seed is { } seed)
            writer.WriteNumber("seed", seed);
        else
            writer.WriteNull("seed");
        writer.WriteStartArray("script");
        foreach (var entry in script)
        {
            if (entry.AfterApply)
                writer.WriteStringValue(ScriptedFault.AfterApplyName);
            else
                writer.WriteNumberValue(entry.StatusCode);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The settings <paramref name="current"/> becomes with the change applied, and the new script if the change has one.</summary>
    /// <exception cref="CaseApiException">400 naming what is wrong.</exception>
    public static (FaultOptions Settings, List<ScriptedFault>? Script) Apply(FaultOptions current, JsonElement change)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (change.ValueKind != JsonValueKind.Object)
        {
            throw Bad("The body must be a JSON object of fault settings");
        }

        var settings = FaultInjector.Copy(current);
        List<ScriptedFault>? script = null;
        foreach (var field in change.EnumerateObject())
        {
            try
            {
                script = ApplyField(settings, field) ?? script;
            }
            catch (OverflowException)
            {
                throw Bad($"'{field.Name}' is out of range");
            }
        }

        var problems = settings.Problems("faults").ToList();
        if (problems.Count > 0)
        {
            throw Bad(string.Join("; ", problems));
        }

        return (settings, script);
    }

    private static List<ScriptedFault>? ApplyField(FaultOptions settings, JsonProperty field)
    {
        var value = field.Value;
        switch (field.Name)
        {
            case "failure_rate":
                settings.FailureRate = Number(field);
                break;
            case "throttle_rate":
                settings.ThrottleRate = Number(field);
                break;
            case "fail_after_apply_rate":
                settings.FailAfterApplyRate = Number(field);
                break;
            case "retry_after_seconds":
                settings.RetryAfter = TimeSpan.FromSeconds(Number(field));
                break;
            case "latency_ms":
                settings.Latency = TimeSpan.FromMilliseconds(Number(field));
                break;
            case "failure_status_codes":
                settings.FailureStatusCodes = Array(field).Select(code => code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var status)
                    ? status
                    : throw Bad("'failure_status_codes' must be a list of status codes")).ToList();
                break;
            case "methods":
                settings.Methods = Array(field).Select(method => method.ValueKind == JsonValueKind.String
                    ? method.GetString()!.ToUpperInvariant()
                    : throw Bad("'methods' must be a list of HTTP methods")).ToList();
                break;
            case "seed":
                settings.Seed = value.ValueKind == JsonValueKind.Null ? null
                    : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var seed) ? seed
                    : throw Bad("'seed' must be a whole number or null");
                break;
            case "script":
                return Array(field).Select(ScriptEntry).ToList();
            default:
                throw Bad($"'{field.Name}' is not a fault setting; known: {string.Join(", ", Fields.Order(StringComparer.Ordinal))}");
        }

        return null;
    }

    public static int RetryAfterSeconds(TimeSpan retryAfter) => (int)Math.Ceiling(retryAfter.TotalSeconds);

    private static ScriptedFault ScriptEntry(JsonElement entry)
    {
        if (entry.ValueKind == JsonValueKind.String && entry.GetString() == ScriptedFault.AfterApplyName)
        {
            return new ScriptedFault(StatusCodes.Status500InternalServerError, AfterApply: true);
        }

        if (entry.ValueKind == JsonValueKind.Number && entry.TryGetInt32(out var status)
            && (status == StatusCodes.Status429TooManyRequests || FaultOptions.AllowedFailureStatusCodes.Contains(status)
                || FaultOptions.ScriptableRefusalStatusCodes.Contains(status)))
        {
            return new ScriptedFault(status, AfterApply: false);
        }

        throw Bad($"A script entry must be 429, {string.Join(", ", FaultOptions.AllowedFailureStatusCodes)}, "
            + $"{string.Join(", ", FaultOptions.ScriptableRefusalStatusCodes)} or \"{ScriptedFault.AfterApplyName}\"");
    }

    private static double Number(JsonProperty field) =>
        field.Value.ValueKind == JsonValueKind.Number ? field.Value.GetDouble() : throw Bad($"'{field.Name}' must be a number");

    private static List<JsonElement> Array(JsonProperty field) =>
        field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().ToList() : throw Bad($"'{field.Name}' must be a list");

    private static CaseApiException Bad(string message) => new(StatusCodes.Status400BadRequest, message);

    internal static string RetryAfterHeader(TimeSpan retryAfter) => RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
}
