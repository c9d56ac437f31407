using System.Globalization;
using System.Text.Json;
using Viaduct.CommCare.Api;
using Viaduct.CommCare.Faults;
using Viaduct.CommCare.Storage;

namespace Viaduct.CommCare.Control;

/// <summary>
/// What tests and benchmarks use to steer the server (same ApiKey auth as the API):
/// <list type="bullet">
/// <item><c>GET /_control/faults</c>: the faults in force and the script left.</item>
/// <item><c>PUT</c> or <c>POST /_control/faults</c>: change them (only the fields named; see <see cref="FaultSettingsJson"/>).</item>
/// <item><c>DELETE /_control/faults</c>: back to the configured faults, no script.</item>
/// <item><c>GET /_control/stats</c>, <c>DELETE /_control/stats</c>: API request counts by status, and their reset.</item>
/// <item><c>DELETE /_control/cases[?domain=...]</c>: forget all cases and forms (of one domain).</item>
/// </list>
/// </summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/_control/faults", WriteFaultsAsync);
        routes.MapMethods("/_control/faults", [HttpMethods.Put, HttpMethods.Post], ChangeFaultsAsync);
        routes.MapDelete("/_control/faults", (HttpContext context, FaultInjector faults, ILogger<FaultInjector> logger) =>
        {
            faults.Reset();
            Log.FaultsReset(logger);
            return WriteFaultsAsync(context, faults);
        });
        routes.MapGet("/_control/stats", (HttpContext context, RequestStats stats) => WriteStatsAsync(context, stats.Snapshot()));
        routes.MapDelete("/_control/stats", (HttpContext context, RequestStats stats) =>
        {
            var before = stats.Snapshot();
            stats.Reset();
            return WriteStatsAsync(context, before);
        });
        routes.MapDelete("/_control/cases", async (HttpContext context, CaseStore store, string? domain, ILogger<CaseStore> logger) =>
        {
            var deleted = await store.DeleteAllAsync(string.IsNullOrEmpty(domain) ? null : domain, context.RequestAborted);
            Log.CasesDeleted(logger, deleted, domain ?? "(all)");
            await JsonResponse.WriteAsync(context, StatusCodes.Status200OK, writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("deleted", deleted);
                writer.WriteEndObject();
            });
        });
    }

    private static Task WriteFaultsAsync(HttpContext context, FaultInjector faults)
    {
        var (settings, script) = faults.Snapshot();
        return JsonResponse.WriteAsync(context, StatusCodes.Status200OK, writer => FaultSettingsJson.Write(writer, settings, script));
    }

    private static async Task ChangeFaultsAsync(HttpContext context, FaultInjector faults, ILogger<FaultInjector> logger)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var (current, _) = faults.Snapshot();
            var (settings, script) = FaultSettingsJson.Apply(current, body.RootElement);
            faults.Change(settings, script);
            Log.FaultsChanged(logger, settings.FailureRate, settings.ThrottleRate, settings.FailAfterApplyRate, settings.Latency, script?.Count);
        }
        catch (JsonException)
        {
            await JsonResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, "Payload must be valid JSON");
            return;
        }
        catch (CaseApiException e)
        {
            await JsonResponse.ErrorAsync(context, e.StatusCode, e.Message);
            return;
        }

        await WriteFaultsAsync(context, faults);
    }

    private static Task WriteStatsAsync(HttpContext context, StatsSnapshot stats) =>
        JsonResponse.WriteAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("requests", stats.Requests);
            WriteCounts(writer, "by_status", stats.ByStatus);
            WriteCounts(writer, "injected", stats.Injected);
            writer.WriteNumber("failed_after_apply", stats.FailedAfterApply);
            writer.WriteEndObject();
        });

    private static void WriteCounts(Utf8JsonWriter writer, string name, Dictionary<int, long> counts)
    {
        writer.WriteStartObject(name);
        foreach (var (status, count) in counts)
        {
            writer.WriteNumber(status.ToString(CultureInfo.InvariantCulture), count);
        }

        writer.WriteEndObject();
    }
}
