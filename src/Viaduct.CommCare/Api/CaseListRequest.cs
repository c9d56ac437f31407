using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Viaduct.CommCare.Storage;

namespace Viaduct.CommCare.Api;

/// <summary>
/// The query of <c>GET /a/{domain}/api/case/v2/</c>: CommCare HQ's filters, a <c>limit</c>, or a <c>cursor</c> from
/// a previous page's <c>next</c> URL. The cursor is opaque to clients: it carries the first page's filters, the
/// position (server_last_modified, change sequence) after the last case returned, and how many matching cases were
/// left, so a deep pull costs one index range scan a page and no recount.
/// </summary>
internal sealed class CaseListRequest
{
    private static readonly string[] DateFields = ["server_last_modified", "indexed_on", "last_modified", "date_opened", "date_closed"];

    private CaseListRequest(string query, CaseListFilter filter, int limit, ChangePosition? after, long? remaining)
    {
        Query = query;
        Filter = filter;
        Limit = limit;
        After = after;
        Remaining = remaining;
    }

    /// <summary>The filters as a query string (without the cursor): what the next page's cursor carries.</summary>
    public string Query { get; }

    public CaseListFilter Filter { get; }

    public int Limit { get; }

    public ChangePosition? After { get; }

    /// <summary>How many matching cases followed the cursor's position when it was made; null on a first page.</summary>
    public long? Remaining { get; }

    /// <exception cref="CaseApiException">400 for an unknown parameter, a bad value or a damaged cursor.</exception>
    public static CaseListRequest Parse(IQueryCollection query, CommCareServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        if (query.TryGetValue("cursor", out var cursorValue))
        {
            var cursor = Cursor.Decode(cursorValue.ToString());
            var carried = QueryHelpers.ParseQuery(cursor.Query);
            var request = FromFilters(carried, cursor.Query, options);
            return new CaseListRequest(cursor.Query, request.Filter, request.Limit, new ChangePosition(new DateTime(cursor.Ticks, DateTimeKind.Utc), cursor.Seq), cursor.Remaining);
        }

        var filters = query.Where(pair => pair.Key != "cursor").ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        return FromFilters(filters, QueryString.Create(filters).ToUriComponent().TrimStart('?'), options);
    }

    /// <summary>The cursor for the page after <paramref name="last"/>, with <paramref name="remaining"/> cases left to return.</summary>
    public string NextCursor(StoredCase last, long remaining)
    {
        ArgumentNullException.ThrowIfNull(last);
        return Cursor.Encode(new Cursor(Query, last.ServerLastModified.Ticks, last.ChangeSeq, remaining));
    }

    private static CaseListRequest FromFilters(IEnumerable<KeyValuePair<string, StringValues>> filters, string query, CommCareServerOptions options)
    {
        var filter = new CaseListFilter();
        var limit = options.PageSize;
        foreach (var (key, values) in filters)
        {
            foreach (var value in values.Select(v => v ?? ""))
            {
                switch (key)
                {
                    case "limit":
                        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)
                            throw new CaseApiException(StatusCodes.Status400BadRequest, $"'{value}' is not a valid value for 'limit'");
                        if (limit > options.MaxPageSize)
                            throw new CaseApiException(StatusCodes.Status400BadRequest, $"You cannot request more than {options.MaxPageSize} cases per request.");
                        break;
                    case "case_type":
                        filter.CaseTypes.Add(value);
                        break;
                    case "owner_id":
                        filter.OwnerIds.Add(value);
                        break;
                    case "external_id":
                        filter.ExternalIds.Add(value);
                        break;
                    case "case_name":
                        filter.CaseNames.Add(value);
                        break;
                    case "closed":
                        filter.Closed = !(value.Length == 0 || value.ToLowerInvariant() is "false" or "f" or "no" or "n" or "0" or "off");
                        break;
                    case "include_deprecated":
                        break;
                    default:
                        if (!TryCompound(filter, key, value))
                            throw new CaseApiException(StatusCodes.Status400BadRequest, $"'{key}' is not a valid parameter.");
                        break;
                }
            }
        }

        return new CaseListRequest(query, filter, limit, after: null, remaining: null);
    }

    private static bool TryCompound(CaseListFilter filter, string key, string value)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == key.Length - 1)
        {
            return false;
        }

        var prefix = key[..dot];
        var qualifier = key[(dot + 1)..];
        switch (prefix)
        {
            case "properties":
                filter.Properties.Add(new(qualifier, value));
                return true;
            case "indices":
                filter.Indices.Add(new(qualifier, value));
                return true;
        }

        if (!DateFields.Contains(prefix))
        {
            return false;
        }

        var comparison = qualifier switch
        {
            "gt" => Comparison.GreaterThan,
            "gte" => Comparison.GreaterThanOrEqual,
            "lt" => Comparison.LessThan,
            "lte" => Comparison.LessThanOrEqual,
            _ => throw new CaseApiException(StatusCodes.Status400BadRequest, $"'{key}' is not a valid parameter."),
        };
        var column = prefix switch
        {
            "server_last_modified" or "indexed_on" => CaseTimeColumn.ServerLastModified,
            "last_modified" => CaseTimeColumn.LastModified,
            "date_opened" => CaseTimeColumn.DateOpened,
            _ => CaseTimeColumn.DateClosed,
        };
        filter.DateBounds.Add(new DateBound(column, comparison, ParseDate(key, value)));
        return true;
    }

    /// <summary>
    /// An ISO 8601 date (midnight UTC) or datetime (UTC unless it has an offset). A '+' of an offset that arrives as a
    /// space (the client did not encode it) is read as '+'.
    /// </summary>
    internal static DateTime ParseDate(string key, string value)
    {
        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        foreach (var candidate in new[] { value, value.Replace(' ', '+') })
        {
            if (DateTimeOffset.TryParse(candidate, CultureInfo.InvariantCulture, styles, out var parsed))
            {
                return parsed.UtcDateTime;
            }
        }

        throw new CaseApiException(StatusCodes.Status400BadRequest, $"Cannot parse '{value}' of '{key}' as an ISO 8601 date or datetime");
    }

    private sealed record Cursor(string Query, long Ticks, long Seq, long Remaining)
    {
        public static string Encode(Cursor cursor) =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { cursor.Query, cursor.Ticks.ToString(CultureInfo.InvariantCulture), cursor.Seq.ToString(CultureInfo.InvariantCulture), cursor.Remaining.ToString(CultureInfo.InvariantCulture) })));

        public static Cursor Decode(string value)
        {
            try
            {
                var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(value));
                if (parts is { Length: 4 })
                {
                    return new Cursor(
                        parts[0],
                        long.Parse(parts[1], CultureInfo.InvariantCulture),
                        long.Parse(parts[2], CultureInfo.InvariantCulture),
                        long.Parse(parts[3], CultureInfo.InvariantCulture));
                }
            }
            catch (Exception e) when (e is FormatException or JsonException or OverflowException or ArgumentException)
            {
                // Answered below as a bad cursor.
            }

            throw new CaseApiException(StatusCodes.Status400BadRequest, "'cursor' is not a cursor this server made");
        }
    }
}
