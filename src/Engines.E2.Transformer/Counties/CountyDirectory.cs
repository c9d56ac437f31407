using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Viaduct.Engines.E2.Transformer.Counties;

/// <summary>
/// The counties of a county file (a JSON array of objects with <c>fips</c>, <c>name</c>, <c>domain</c>,
/// <c>location_id</c>, <c>participating</c> and <c>statewide</c>). The file is configuration: deployments and
/// tests supply their own. Loading checks it whole and reports every problem at once.
/// </summary>
public sealed class CountyDirectory
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly Dictionary<string, County> _byFips;
    private readonly Dictionary<string, County> _byDomain;

    private CountyDirectory(IReadOnlyList<County> counties)
    {
        Counties = new ReadOnlyCollection<County>([.. counties]);
        _byFips = counties.ToDictionary(c => c.Fips, StringComparer.Ordinal);
        _byDomain = counties
            .GroupBy(c => c.Domain, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Statewide = counties.Single(c => c.Statewide);
    }

    /// <summary>Every entry, in file order, the statewide entry included.</summary>
    public IReadOnlyList<County> Counties { get; }

    /// <summary>The one statewide entry: where results with an unknown county code go.</summary>
    public County Statewide { get; }

    /// <summary>Reads and checks a county file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON or breaks a rule (see <see cref="Create"/>).</exception>
    public static CountyDirectory Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.OpenRead(path);
        try
        {
            return Load(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"county file {path}: {e.Message}", e);
        }
    }

    /// <inheritdoc cref="Load(string)"/>
    public static CountyDirectory Load(Stream json)
    {
        ArgumentNullException.ThrowIfNull(json);
        List<CountyEntry?>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<List<CountyEntry?>>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not a valid county file: {e.Message}", e);
        }

        if (entries is null)
        {
            throw new InvalidDataException("not a valid county file: expected a JSON array of counties, found null");
        }

        var problems = new List<string>();
        var counties = new List<County>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is { } entry && entry.ToCounty(i, problems) is { } county)
            {
                counties.Add(county);
            }
            else if (entries[i] is null)
            {
                problems.Add($"entry {i + 1} is null");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException("invalid county file: " + string.Join("; ", problems));
        }

        return Create(counties);
    }

    /// <summary>
    /// A directory of <paramref name="counties"/>: there must be at least one entry, FIPS codes must be unique and
    /// all digits, every text field must be non-blank, and exactly one entry must be statewide.
    /// </summary>
    /// <exception cref="InvalidDataException">A rule is broken; the message names every problem.</exception>
    public static CountyDirectory Create(IEnumerable<County> counties)
    {
        ArgumentNullException.ThrowIfNull(counties);
        var list = counties.ToList();
        var problems = new List<string>();
        if (list.Count == 0)
        {
            problems.Add("there are no counties");
        }

        for (var i = 0; i < list.Count; i++)
        {
            var county = list[i];
            var where = $"entry {i + 1}";
            if (county is null)
            {
                problems.Add($"{where} is null");
                continue;
            }

            RequireText(county.Fips, "fips", where, problems);
            RequireText(county.Name, "name", where, problems);
            RequireText(county.Domain, "domain", where, problems);
            RequireText(county.LocationId, "location_id", where, problems);
            if (!string.IsNullOrWhiteSpace(county.Fips) && !IsAllDigits(county.Fips))
            {
                problems.Add($"{where}: fips \"{county.Fips}\" is not all digits");
            }
        }

        foreach (var duplicate in list.Where(c => c is not null && !string.IsNullOrWhiteSpace(c.Fips))
                     .GroupBy(c => c.Fips, StringComparer.Ordinal)
                     .Where(g => g.Count() > 1))
        {
            problems.Add($"fips {duplicate.Key} appears {duplicate.Count()} times");
        }

        var statewide = list.Where(c => c is { Statewide: true }).Select(c => c.Fips).ToList();
        if (statewide.Count != 1)
        {
            problems.Add(statewide.Count == 0
                ? "there is no statewide entry (exactly one entry must have \"statewide\": true)"
                : $"there are {statewide.Count} statewide entries ({string.Join(", ", statewide)}); exactly one is allowed");
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException("invalid county file: " + string.Join("; ", problems));
        }

        return new CountyDirectory(list);
    }

    /// <summary>
    /// The county of a result's PIDCOUNTYCODE: the entry whose FIPS code equals it, else the statewide entry.
    /// </summary>
    /// <exception cref="ArgumentException">The code is blank or not all digits (E1 stores such rows as bad rows).</exception>
    public County Resolve(string countyCode)
    {
        ArgumentNullException.ThrowIfNull(countyCode);
        var code = countyCode.Trim();
        if (!IsAllDigits(code))
        {
            throw new ArgumentException($"county code \"{countyCode}\" is blank or not all digits", nameof(countyCode));
        }

        return _byFips.GetValueOrDefault(code) ?? Statewide;
    }

    /// <summary>The entry with exactly this FIPS code; no fallback to the statewide entry.</summary>
    public bool TryGetByFips(string fips, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out County? county)
    {
        ArgumentNullException.ThrowIfNull(fips);
        return _byFips.TryGetValue(fips, out county);
    }

    /// <summary>The (first) entry posting to this CommCare domain.</summary>
    public bool TryGetByDomain(string domain, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out County? county)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return _byDomain.TryGetValue(domain, out county);
    }

    /// <summary>Whether cases of <paramref name="county"/> are posted: only a participating county's are.</summary>
    public static bool IsPostable(County county)
    {
        ArgumentNullException.ThrowIfNull(county);
        return county.Participating;
    }

    private static void RequireText(string? value, string field, string where, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{where}: {field} is missing or blank");
        }
    }

    private static bool IsAllDigits(string value) => value.Length > 0 && value.All(char.IsAsciiDigit);

    // The file's shape, everything nullable so that a missing field becomes a clear message instead of a default.
    private sealed class CountyEntry
    {
        public string? Fips { get; set; }
        public string? Name { get; set; }
        public string? Domain { get; set; }
        public string? LocationId { get; set; }
        public bool? Participating { get; set; }
        public bool? Statewide { get; set; }

        public County? ToCounty(int index, List<string> problems)
        {
            var where = Fips is { Length: > 0 } ? $"entry {index + 1} (fips {Fips})" : $"entry {index + 1}";
            var before = problems.Count;
            RequireText(Fips, "fips", where, problems);
            RequireText(Name, "name", where, problems);
            RequireText(Domain, "domain", where, problems);
            RequireText(LocationId, "location_id", where, problems);
            if (Participating is null)
            {
                problems.Add($"{where}: participating is missing");
            }

            if (Statewide is null)
            {
                problems.Add($"{where}: statewide is missing");
            }

            return problems.Count > before
                ? null
                : new County(Fips!.Trim(), Name!.Trim(), Domain!.Trim(), LocationId!.Trim(), Participating!.Value, Statewide!.Value);
        }
    }
}
