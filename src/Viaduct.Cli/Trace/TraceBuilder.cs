using System.Globalization;

namespace Viaduct.Cli.Trace;

/// <summary>Collects a trace's facts and steps; <see cref="Build"/> puts the steps in time order and keeps the first <c>limit</c>.</summary>
internal sealed class TraceBuilder(string subject, long id)
{
    private readonly List<TraceFact> _facts = [];

    public List<TraceStep> Steps { get; } = [];

    public PhiRedactor Redactor { get; } = new();

    public void Fact(string name, FormattableString value) => _facts.Add(new TraceFact(name, value.ToString(CultureInfo.InvariantCulture)));

    public void Fact(string name, string value) => _facts.Add(new TraceFact(name, value));

    public TraceReport Build(int limit)
    {
        // Stable: steps recorded at the same instant keep the order they were read in.
        var ordered = Steps.Select((step, index) => (step, index)).OrderBy(s => s.step.At).ThenBy(s => s.index).Select(s => s.step).ToList();
        var kept = ordered.Count <= limit ? ordered : ordered.GetRange(0, limit);
        return new TraceReport(subject, id, _facts, kept, ordered.Count - kept.Count);
    }

    public static string Time(DateTime? at) => at?.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Ids as a short list: the first few, then how many more.</summary>
    public static string Ids(IReadOnlyCollection<long> ids, int shown = 20) =>
        ids.Count == 0 ? "none"
        : string.Join(" ", ids.Take(shown).Select(i => i.ToString(CultureInfo.InvariantCulture))) + (ids.Count > shown ? $" ... ({ids.Count} in all)" : "");
}
