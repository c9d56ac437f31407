using System.Text.Encodings.Web;
using System.Text.Json;
using Viaduct.CommCare.Faults;

namespace Viaduct.CommCare.Api;

/// <summary>Writes JSON answers; where the fault injector chose "fail after apply", a success becomes a 500 here.</summary>
internal static class JsonResponse
{
    private static readonly object FailAfterApplyKey = new();

    // The answers are application/json, never embedded in HTML: keep quotes and non-ASCII letters (names) readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void FailAfterApply(HttpContext context) => context.Items[FailAfterApplyKey] = true;

    public static async Task WriteAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(write);
        if (statusCode < 300 && context.Items.Remove(FailAfterApplyKey))
        {
            context.RequestServices.GetRequiredService<RequestStats>().RecordFailedAfterApply();
            Log.FailedAfterApply(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(JsonResponse)), context.Request.Method, context.Request.Path);
            await ErrorAsync(context, StatusCodes.Status500InternalServerError, "Injected fault: the request was applied, then this answer replaced its response");
            return;
        }

        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions))
        {
            write(writer);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary><c>{"error": message}</c>, plus the error form's id as CommCare HQ answers it (<c>form_id</c>) and as its documentation names it (<c>xform_id</c>).</summary>
    public static Task ErrorAsync(HttpContext context, int statusCode, string message, Guid? xformId = null) =>
        WriteAsync(context, statusCode, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            if (xformId is { } id)
            {
                writer.WriteString("xform_id", id);
                writer.WriteString("form_id", id);
            }

            writer.WriteEndObject();
        });
}
