using System.Text.Json;
using Microsoft.Extensions.Options;
using Viaduct.CommCare.Storage;

namespace Viaduct.CommCare.Api;

/// <summary>The CommCare HQ Case API v2 subset: upsert, get by id, get by external id, and the changes list.</summary>
internal static class CaseApiEndpoints
{
    public const string Base = "/a/{domain}/api/case/v2";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost(Base + "/", PostAsync);
        routes.MapGet(Base + "/", ListAsync);
        routes.MapGet(Base + "/ext/{**externalId}", GetByExternalIdAsync);
        routes.MapGet(Base + "/{caseId}", GetAsync);
        routes.MapPut(Base + "/ext/{**externalId}", (HttpContext context, string domain, string externalId, CaseUpserts upserts) =>
            PutAsync(context, domain, caseId: null, ExternalIdFromPath(externalId), upserts));
        routes.MapPut(Base + "/{caseId}", (HttpContext context, string domain, string caseId, CaseUpserts upserts) =>
            PutAsync(context, domain, caseId, externalId: null, upserts));
    }

    private static Task PostAsync(HttpContext context, string domain, CaseUpserts upserts) =>
        AnswerAsync(context, async () =>
        {
            using var body = await ReadBodyAsync(context);
            var form = NewForm(context);
            var (cases, isBulk) = await upserts.PostAsync(domain, body.RootElement, form, context.RequestAborted);
            await WriteFormAnswerAsync(context, form, cases, isBulk);
        });

    private static Task PutAsync(HttpContext context, string domain, string? caseId, string? externalId, CaseUpserts upserts) =>
        AnswerAsync(context, async () =>
        {
            using var body = await ReadBodyAsync(context);
            var form = NewForm(context);
            var stored = await upserts.PutAsync(domain, body.RootElement, caseId, externalId, form, context.RequestAborted);
            await WriteFormAnswerAsync(context, form, [stored], isBulk: false);
        });

    private static async Task<JsonDocument> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            throw new CaseApiException(StatusCodes.Status400BadRequest, "Payload must be valid JSON");
        }
    }

    private static FormInfo NewForm(HttpContext context) =>
        new(Guid.NewGuid(), ApiGate.User(context).Username, context.Request.Headers.UserAgent.ToString());

    /// <summary>
    /// <c>{"xform_id", "form_id", "cases": [...]}</c> for a list, <c>"case": {...}</c> for one object. The form id is
    /// under both names: CommCare HQ's documentation says <c>xform_id</c>, its code answers <c>form_id</c>.
    /// </summary>
    private static Task WriteFormAnswerAsync(HttpContext context, FormInfo form, IReadOnlyList<StoredCase> cases, bool isBulk) =>
        JsonResponse.WriteAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("xform_id", form.XFormId);
            writer.WriteString("form_id", form.XFormId);
            if (isBulk)
            {
                writer.WriteStartArray("cases");
                foreach (var stored in cases)
                {
                    CaseJson.Write(writer, stored);
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WritePropertyName("case");
                CaseJson.Write(writer, cases[0]);
            }

            writer.WriteEndObject();
        });

    private static Task GetAsync(HttpContext context, string domain, string caseId, CaseStore store) =>
        AnswerAsync(context, async () =>
        {
            var stored = await store.GetAsync(domain, caseId, context.RequestAborted);
            await WriteCaseOrNotFoundAsync(context, stored, $"Case '{caseId}' not found");
        });

    private static Task GetByExternalIdAsync(HttpContext context, string domain, string externalId, CaseStore store) =>
        AnswerAsync(context, async () =>
        {
            var id = ExternalIdFromPath(externalId);
            var stored = await store.GetByExternalIdAsync(domain, id, context.RequestAborted);
            await WriteCaseOrNotFoundAsync(context, stored, $"Case with external_id '{id}' not found");
        });

    private static Task ListAsync(HttpContext context, string domain, CaseStore store, IOptions<CommCareServerOptions> options) =>
        AnswerAsync(context, async () =>
        {
            var request = CaseListRequest.Parse(context.Request.Query, options.Value);
            var (cases, more) = await store.ListAsync(domain, request.Filter, request.After, request.Limit, context.RequestAborted);
            var matching = request.Remaining ?? await store.CountAsync(domain, request.Filter, context.RequestAborted);
            // A count carried in the cursor can fall short when cases changed during the pull come round again.
            matching = Math.Max(matching, cases.Count + (more ? 1 : 0));
            string? next = null;
            if (more)
            {
                var cursor = request.NextCursor(cases[^1], matching - cases.Count);
                var http = context.Request;
                next = $"{http.Scheme}://{http.Host}{http.PathBase}/a/{Uri.EscapeDataString(domain)}/api/case/v2/?cursor={cursor}";
            }

            await JsonResponse.WriteAsync(context, StatusCodes.Status200OK, writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("matching_records", matching);
                writer.WriteStartArray("cases");
                foreach (var stored in cases)
                {
                    CaseJson.Write(writer, stored);
                }

                writer.WriteEndArray();
                if (next is null)
                    writer.WriteNull("next");
                else
                    writer.WriteString("next", next);
                writer.WriteEndObject();
            });
        });

    /// <summary>
    /// The ext routes take the rest of the path, so that the documented trailing slash is optional and an external id
    /// may hold an encoded '/' (which the server leaves encoded in the path).
    /// </summary>
    private static string ExternalIdFromPath(string externalId) =>
        (externalId.EndsWith('/') ? externalId[..^1] : externalId).Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static Task WriteCaseOrNotFoundAsync(HttpContext context, StoredCase? stored, string notFound) =>
        stored is null
            ? JsonResponse.ErrorAsync(context, StatusCodes.Status404NotFound, notFound)
            : JsonResponse.WriteAsync(context, StatusCodes.Status200OK, writer => CaseJson.Write(writer, stored));

    private static async Task AnswerAsync(HttpContext context, Func<Task> handle)
    {
        try
        {
            await handle();
        }
        catch (CaseApiException e)
        {
            if (e.XFormId is null)
            {
                // Refusals with a form id were logged with it when the error form was recorded.
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CaseApiEndpoints));
                Log.RequestRefused(logger, context.Request.Method, context.Request.Path, e.StatusCode, e.Message);
            }

            await JsonResponse.ErrorAsync(context, e.StatusCode, e.Message, e.XFormId);
        }
    }
}
