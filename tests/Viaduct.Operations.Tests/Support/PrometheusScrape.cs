using System.Globalization;
using System.Text.RegularExpressions;

namespace Viaduct.Operations.Tests.Support;

/// <summary>One series' value in a scrape: <c>name{label="value",...} value</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public override string ToString() =>
        $"{Name}{{{string.Join(',', Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// A <c>/metrics</c> answer in the Prometheus text format (or OpenMetrics, which shares its sample lines), parsed
/// strictly enough that a malformed line fails the test.
/// </summary>
public sealed partial class PrometheusScrape
{
    private PrometheusScrape(string? mediaType, string text, IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        MediaType = mediaType;
        Text = text;
        Samples = samples;
        Types = types;
    }

    public string? MediaType { get; }

    public string Text { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>The <c># TYPE</c> of each metric family.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static PrometheusScrape Parse(string? mediaType, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line == "# EOF")
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var type = TypeLine().Match(line);
                if (type.Success)
                {
                    types[type.Groups["name"].Value] = type.Groups["type"].Value;
                }

                continue;
            }

            var sample = SampleLine().Match(line);
            if (!sample.Success)
            {
                throw new FormatException($"not a Prometheus sample line: {line}");
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(sample.Groups["labels"].Value))
            {
                labels[label.Groups["key"].Value] = Regex.Unescape(label.Groups["value"].Value);
            }

            samples.Add(new PrometheusSample(sample.Groups["name"].Value, labels, ParseValue(sample.Groups["value"].Value)));
        }

        return new PrometheusScrape(mediaType, text, samples, types);
    }

    /// <summary>The series of <paramref name="name"/> with <c>engine="<paramref name="engine"/>"</c>.</summary>
    public IEnumerable<PrometheusSample> Series(string name, string engine) =>
        Samples.Where(s => s.Name == name && s.Labels.TryGetValue("engine", out var e) && e == engine);

    /// <summary>The value of the one series of <paramref name="name"/> for <paramref name="engine"/> (a histogram bucket needs <paramref name="le"/>), or null.</summary>
    public double? Value(string name, string engine, string? le = null) =>
        Series(name, engine).Where(s => le is null || (s.Labels.TryGetValue("le", out var b) && b == le))
            .Select(s => (double?)s.Value).SingleOrDefault();

    public override string ToString() => Text;

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>\w+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \S+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
