using System.Globalization;
using System.Text.RegularExpressions;
using Serilog.Events;
using Viaduct.Shared.Eclrs;
using Viaduct.Testing;

namespace Viaduct.Operations.Tests.Support;

/// <summary>
/// The patients' names, dates of birth, street addresses and phone numbers as the stored results hold them (the typed
/// columns and the raw rows), in the forms a log line could show them: what no log event may carry.
/// </summary>
public sealed class PatientData
{
    private static readonly string[] DateForms = ["yyyy-MM-dd", "MM/dd/yyyy", "M/d/yyyy", "yyyyMMdd", "ddMMMyyyy"];

    private readonly Regex _pattern;
    private readonly HashSet<DateOnly> _birthDates;

    private PatientData(IReadOnlyList<string> values, HashSet<DateOnly> birthDates, int results)
    {
        Values = values;
        _birthDates = birthDates;
        Results = results;
        // Whole values only: a first name such as SAGE must not be found inside "message".
        _pattern = new Regex(
            $"(?<![A-Za-z0-9])(?:{string.Join('|', values.OrderByDescending(v => v.Length).Select(Regex.Escape))})(?![A-Za-z0-9])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
    }

    /// <summary>Every text form of every value, longest first.</summary>
    public IReadOnlyList<string> Values { get; }

    public IReadOnlyCollection<DateOnly> BirthDates => _birthDates;

    /// <summary>How many stored results the values came from.</summary>
    public int Results { get; }

    public static async Task<PatientData> ReadAsync(ViaductDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var values = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var birthDates = new HashSet<DateOnly>();
        var results = 0;
        await using var command = database.DataSource.CreateCommand(
            "SELECT last_name, first_name, date_of_birth, raw_data, eclrs_version FROM test_results ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results++;
            Add(values, reader.IsDBNull(0) ? null : reader.GetString(0));
            Add(values, reader.IsDBNull(1) ? null : reader.GetString(1));
            if (!reader.IsDBNull(2))
            {
                var birth = reader.GetFieldValue<DateOnly>(2);
                birthDates.Add(birth);
                foreach (var form in DateForms)
                {
                    Add(values, birth.ToString(form, CultureInfo.InvariantCulture));
                }
            }

            using var text = new StringReader(reader.GetString(3));
            using var row = EclrsReader.OpenRows(text, (EclrsVersion)reader.GetInt16(4));
            if (row.Read() && row.Error is null)
            {
                Add(values, row[EclrsColumns.LastName]);
                Add(values, row[EclrsColumns.FirstName]);
                Add(values, row[EclrsColumns.DateOfBirth]);
                Add(values, row[EclrsColumns.AddressLine1]);
                Add(values, row[EclrsColumns.AddressLine2]);
                var phone = row[EclrsColumns.HomePhone];
                Add(values, phone);
                Add(values, new string([.. phone.Where(char.IsAsciiDigit)]));
            }
        }

        return new PatientData([.. values], birthDates, results);
    }

    /// <summary>Patient data made of the given values and dates of birth (each date in every form), for tests of the search itself.</summary>
    public static PatientData Of(IEnumerable<string> values, IEnumerable<DateOnly> birthDates)
    {
        var all = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            Add(all, value);
        }

        var dates = birthDates.ToHashSet();
        foreach (var form in DateForms)
        {
            foreach (var date in dates)
            {
                Add(all, date.ToString(form, CultureInfo.InvariantCulture));
            }
        }

        return new PatientData([.. all], dates, 0);
    }

    /// <summary>The patient values found in <paramref name="text"/>.</summary>
    public IEnumerable<string> FoundIn(string text) =>
        _pattern.Matches(text).Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>The patient values in <paramref name="logEvent"/>'s message, properties or exception, and dates of birth among its typed values.</summary>
    public IEnumerable<string> FoundIn(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var found = LogEvents.Texts(logEvent).SelectMany(FoundIn);
        var dates = logEvent.Properties.Values.SelectMany(LogEvents.Scalars).Select(AsDate)
            .Where(d => d is { } date && _birthDates.Contains(date)).Select(d => $"date of birth {d:yyyy-MM-dd}");
        return found.Concat(dates).Distinct(StringComparer.OrdinalIgnoreCase);
    }

    private static DateOnly? AsDate(object value) => value switch
    {
        DateOnly date => date,
        DateTime time => DateOnly.FromDateTime(time),
        DateTimeOffset time => DateOnly.FromDateTime(time.UtcDateTime),
        _ => null,
    };

    // Blank fields and one- or two-character values (a middle initial, "NA") would match everything and prove nothing.
    private static void Add(HashSet<string> values, string? value)
    {
        if (value?.Trim() is { Length: >= 3 } trimmed)
        {
            values.Add(trimmed);
        }
    }
}
