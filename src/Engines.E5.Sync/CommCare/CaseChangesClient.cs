using System.Globalization;
using System.Text.Json;

namespace Viaduct.Engines.E5.Sync.CommCare;

/// <summary>
/// The one part of CommCare's Case API v2 E5 reads: the changes list (<c>GET /a/{domain}/api/case/v2/?...</c>),
/// page by page, following <c>next</c> as it is given. Each read takes a client from IHttpClientFactory (so handlers
/// are recycled although this object lives as long as the host); authentication, retries of transient failures and the
/// per-try timeout are set up on the named client by <see cref="E5SyncHostExtensions"/>.
/// </summary>
public sealed class CaseChangesClient(IHttpClientFactory clients)
{
    /// <summary>The name of the HttpClient (and of its resilience pipeline).</summary>
    public const string HttpClientName = "commcare-sync";

    public const string PatientCaseType = "patient";
    public const string LabResultCaseType = "lab_result";

    /// <summary>The first page of <paramref name="domain"/>'s patient cases changed at or after <paramref name="since"/> (null: all).</summary>
    public Uri ChangesUri(string domain, DateTimeOffset? since, int pageSize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        var query = $"case_type={PatientCaseType}&limit={pageSize.ToString(CultureInfo.InvariantCulture)}";
        if (since is { } from)
        {
            query += "&server_last_modified.gte=" + Uri.EscapeDataString(FormatTime(from));
        }

        return new Uri(BaseAddress, $"a/{Uri.EscapeDataString(domain)}/api/case/v2/?{query}");
    }

    /// <summary>Reads one page of a list (a URL from <see cref="ChangesUri"/> or a page's <c>next</c>).</summary>
    public async Task<RemoteCasePage> GetPageAsync(string domain, Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var http = clients.CreateClient(HttpClientName);
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new CommCareSyncException($"Reading changes of domain {domain} failed: {ex.GetType().Name}", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new CommCareSyncException(
                    $"Reading changes of domain {domain} answered {(int)response.StatusCode}", (int)response.StatusCode);
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, default, cancellationToken);
            return ReadPage(document.RootElement, domain);
        }
    }

    /// <summary>The lab_result cases indexed to <paramref name="parentCaseId"/> (all pages).</summary>
    public async Task<IReadOnlyList<RemoteCase>> ChildrenAsync(string domain, string parentCaseId, CancellationToken cancellationToken)
    {
        var url = new Uri(BaseAddress,
            $"a/{Uri.EscapeDataString(domain)}/api/case/v2/?case_type={LabResultCaseType}&indices.parent={Uri.EscapeDataString(parentCaseId)}");
        var children = new List<RemoteCase>();
        for (Uri? next = url; next is not null;)
        {
            var page = await GetPageAsync(domain, next, cancellationToken);
            children.AddRange(page.Cases);
            next = page.Next;
        }

        return children;
    }

    private Uri BaseAddress => clients.CreateClient(HttpClientName).BaseAddress!;

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private RemoteCasePage ReadPage(JsonElement root, string domain)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cases", out var cases) || cases.ValueKind != JsonValueKind.Array)
        {
            throw new CommCareSyncException($"The changes list of domain {domain} is not a page of cases");
        }

        var list = new List<RemoteCase>(cases.GetArrayLength());
        foreach (var item in cases.EnumerateArray())
        {
            list.Add(ReadCase(item, domain));
        }

        Uri? next = null;
        if (root.TryGetProperty("next", out var nextElement) && nextElement.ValueKind == JsonValueKind.String
            && nextElement.GetString() is { Length: > 0 } nextText)
        {
            next = new Uri(BaseAddress, nextText);
        }

        return new RemoteCasePage(list, next);
    }

    private static RemoteCase ReadCase(JsonElement item, string domain)
    {
        var caseId = Text(item, "case_id") ?? throw new CommCareSyncException($"A case of domain {domain} has no case_id");
        var modifiedText = Text(item, "server_last_modified")
            ?? throw new CommCareSyncException($"Case {caseId} of domain {domain} has no server_last_modified");
        if (!DateTimeOffset.TryParse(modifiedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var modified))
        {
            throw new CommCareSyncException($"Case {caseId} of domain {domain} has an unreadable server_last_modified");
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in props.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    properties[property.Name] = property.Value.GetString()!;
                }
            }
        }

        string? parent = null;
        if (item.TryGetProperty("indices", out var indices) && indices.ValueKind == JsonValueKind.Object
            && indices.TryGetProperty("parent", out var parentIndex) && parentIndex.ValueKind == JsonValueKind.Object)
        {
            parent = Text(parentIndex, "case_id");
        }

        var closed = item.TryGetProperty("closed", out var closedElement) && closedElement.ValueKind == JsonValueKind.True;
        return new RemoteCase(caseId, Text(item, "case_type") ?? "", Text(item, "external_id"), closed, modified, properties, parent);
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
