using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Viaduct.Engines.E4.Loader.CommCare;

/// <summary>
/// The Case API v2 over an HttpClient whose handler retries, breaks the circuit and times tries out (see
/// <see cref="CommCareResilience"/>; registered by <see cref="CommCareServiceCollectionExtensions.AddCommCareClient"/>).
/// What is left after those is turned into a <see cref="CommCareException"/> here.
/// </summary>
public sealed class CommCareClient(HttpClient http, IOptions<CommCareOptions> options, TimeProvider time, ILogger<CommCareClient> logger) : ICommCareClient
{
    /// <summary>CommCare HQ takes at most this many items in one bulk upsert.</summary>
    public const int MaxCasesPerRequest = 100;

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public async Task<UpsertResult> UpsertAsync(string domain, IReadOnlyList<CaseUpsert> cases, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        CheckUpserts(cases);
        using var request = new HttpRequestMessage(HttpMethod.Post, CasesPath(domain));
        request.Content = new ByteArrayContent(CaseApiJson.WriteUpserts(cases)) { Headers = { ContentType = Json } };
        using var document = await SendAsync(request, "upsert", domain, notFoundIsNull: false, cancellationToken);
        var result = Read(document!, "upsert", domain, root => CaseApiJson.ReadUpsertResult(root, domain));
        if (result.Cases.Count != cases.Count)
        {
            throw new CommCareException(
                $"CommCare answered the upsert of {cases.Count} cases in domain {domain} with {result.Cases.Count}",
                (int)HttpStatusCode.OK, isTransient: false, retryAfter: null, responseBody: null);
        }

        return result;
    }

    public async Task<RemoteCase?> GetByIdAsync(string domain, string caseId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        ArgumentException.ThrowIfNullOrWhiteSpace(caseId);
        using var request = new HttpRequestMessage(HttpMethod.Get, CasesPath(domain) + Uri.EscapeDataString(caseId));
        using var document = await SendAsync(request, "get by id", domain, notFoundIsNull: true, cancellationToken);
        return document is null ? null : Read(document, "get by id", domain, root => CaseApiJson.ReadCase(root, domain));
    }

    public async Task<RemoteCase?> GetByExternalIdAsync(string domain, string externalId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        ArgumentException.ThrowIfNullOrWhiteSpace(externalId);
        // EscapeDataString encodes '/', '#', '?' and spaces, so any external id (lab results' hold '#') is one path segment.
        using var request = new HttpRequestMessage(HttpMethod.Get, CasesPath(domain) + "ext/" + Uri.EscapeDataString(externalId) + "/");
        using var document = await SendAsync(request, "get by external id", domain, notFoundIsNull: true, cancellationToken);
        return document is null ? null : Read(document, "get by external id", domain, root => CaseApiJson.ReadCase(root, domain));
    }

    public IAsyncEnumerable<CaseListPage> ListChangedAsync(
        string domain, string caseType, DateTimeOffset since, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(caseType);
        if (pageSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "A page holds at least one case");
        }

        List<KeyValuePair<string, string>> filters =
        [
            new("case_type", caseType),
            new("server_last_modified.gte", CaseApiJson.FormatTime(since)),
        ];
        if (pageSize is { } limit)
        {
            filters.Add(new("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return ListAsync(domain, filters, cancellationToken);
    }

    public async IAsyncEnumerable<CaseListPage> ListAsync(
        string domain, IEnumerable<KeyValuePair<string, string>> filters, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        ArgumentNullException.ThrowIfNull(filters);
        var query = string.Join('&', filters.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        var url = new Uri(BaseAddress, CasesPath(domain) + (query.Length > 0 ? "?" + query : ""));
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            CaseListPage page;
            using (var document = await SendAsync(request, "list", domain, notFoundIsNull: false, cancellationToken))
            {
                page = Read(document!, "list", domain, root => CaseApiJson.ReadPage(root, domain, next => ResolveNext(next, domain)));
            }

            yield return page;
            if (page.Next is null)
            {
                yield break;
            }

            if (page.Next == url)
            {
                throw new CommCareException(
                    $"CommCare's list in domain {domain} named the page just read as the next one", (int)HttpStatusCode.OK,
                    isTransient: false, retryAfter: null, responseBody: null);
            }

            url = page.Next;
        }
    }

    private Uri BaseAddress => http.BaseAddress ?? throw new InvalidOperationException("The CommCare HttpClient has no base address");

    /// <summary><c>a/{domain}/api/case/v2/</c>, relative to the base URL (which may have a path of its own).</summary>
    private static string CasesPath(string domain) => $"a/{Uri.EscapeDataString(domain)}/api/case/v2/";

    private static void CheckUpserts(IReadOnlyList<CaseUpsert> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (cases.Count is 0 or > MaxCasesPerRequest)
        {
            throw new ArgumentException($"An upsert request carries 1 to {MaxCasesPerRequest} cases (got {cases.Count})", nameof(cases));
        }

        var externalIds = new HashSet<string>(StringComparer.Ordinal);
        var temporaryIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < cases.Count; i++)
        {
            var item = cases[i] ?? throw new ArgumentException($"Item {i} is null", nameof(cases));
            if (string.IsNullOrWhiteSpace(item.ExternalId) || string.IsNullOrWhiteSpace(item.CaseType))
            {
                throw new ArgumentException($"Item {i} has no external id or no case type", nameof(cases));
            }

            // Named by position only: an external id may identify a person.
            if (!externalIds.Add(item.ExternalId))
            {
                throw new ArgumentException(
                    $"Item {i} repeats the external id of an earlier item: CommCare would create a duplicate case", nameof(cases));
            }

            if (item.TemporaryId is { } temporaryId && !temporaryIds.Add(temporaryId))
            {
                throw new ArgumentException($"Item {i} repeats the temporary id of an earlier item", nameof(cases));
            }
        }
    }

    /// <summary>
    /// A next-page URL as given: absolute, or a path with its query (taken from the server's root). An absolute URL of
    /// another server is refused: the API key would go with it.
    /// </summary>
    private Uri ResolveNext(string next, string domain)
    {
        if (!Uri.TryCreate(BaseAddress, next, out var url)
            || Uri.Compare(url, BaseAddress, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new CommCareException(
                $"CommCare's list in domain {domain} named a next page on another server or not a URL; not followed",
                (int)HttpStatusCode.OK, isTransient: false, retryAfter: null, responseBody: null);
        }

        return url;
    }

    /// <summary>
    /// Sends through the resilience pipeline and returns the answer's JSON, or null for a 404 when
    /// <paramref name="notFoundIsNull"/>. Anything else becomes a <see cref="CommCareException"/>.
    /// </summary>
    private async Task<JsonDocument?> SendAsync(HttpRequestMessage request, string operation, string domain, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is TimeoutRejectedException or BrokenCircuitException or HttpRequestException or OperationCanceledException)
        {
            var failure = e switch
            {
                TimeoutRejectedException => $"no answer within {options.Value.AttemptTimeout}",
                BrokenCircuitException => "the circuit is open after repeated failures",
                HttpRequestException http => $"network error ({http.HttpRequestError})",
                _ => "the request timed out",
            };
            CommCareLog.NoAnswer(logger, operation, domain, failure);
            throw new CommCareException(
                $"CommCare {operation} in domain {domain}: {failure}", statusCode: null, isTransient: true, retryAfter: null, responseBody: null, e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                    return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
                }
                catch (JsonException e)
                {
                    throw new CommCareException(
                        $"CommCare answered {operation} in domain {domain} with {status} and a body that is not JSON", status,
                        isTransient: false, retryAfter: null, responseBody: null, e);
                }
            }

            if (status == (int)HttpStatusCode.NotFound && notFoundIsNull)
            {
                return null;
            }

            var transient = CommCareException.IsTransientStatus(status);
            var body = await ReadBodyAsync(response, options.Value.MaxErrorBodyLength, cancellationToken);
            CommCareLog.RequestFailed(logger, operation, domain, status, transient);
            throw new CommCareException(
                $"CommCare answered {operation} in domain {domain} with {status}", status, transient,
                CommCareResilience.RetryAfterOf(response, time), body);
        }
    }

    private static T Read<T>(JsonDocument document, string operation, string domain, Func<JsonElement, T> read)
    {
        try
        {
            return read(document.RootElement);
        }
        catch (FormatException e)
        {
            throw new CommCareException(
                $"CommCare's answer to {operation} in domain {domain} is not what the Case API v2 answers: {e.Message}",
                (int)HttpStatusCode.OK, isTransient: false, retryAfter: null, responseBody: null, e);
        }
    }

    /// <summary>The start of an error body, at most <paramref name="maxLength"/> characters, however long the body is.</summary>
    private static async Task<string?> ReadBodyAsync(HttpResponseMessage response, int maxLength, CancellationToken cancellationToken)
    {
        if (maxLength == 0)
        {
            return null;
        }

        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var buffer = new char[maxLength];
            var read = 0;
            while (read < maxLength)
            {
                var n = await reader.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return read == 0 ? null : new string(buffer, 0, read);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The status says what happened; a body cut off by the network adds nothing worth failing for.
            return null;
        }
    }
}
