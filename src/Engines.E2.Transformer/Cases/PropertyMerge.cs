namespace Viaduct.Engines.E2.Transformer.Cases;

/// <summary>A value that add-if-missing kept out: the property already held another non-blank value.</summary>
/// <param name="Property">The property name.</param>
/// <param name="ExistingValue">The value kept.</param>
/// <param name="IncomingValue">The value dropped.</param>
public sealed record PropertyConflict(string Property, string ExistingValue, string IncomingValue);

/// <summary>The outcome of <see cref="PropertyMerge.Merge"/>.</summary>
/// <param name="Merged">The existing properties with the missing ones filled in.</param>
/// <param name="Added">The properties that were missing or blank and got a value, in ordinal order.</param>
/// <param name="Conflicts">Incoming values dropped because the property already held another value, in ordinal order.</param>
public sealed record PropertyMergeResult(
    IReadOnlyDictionary<string, string> Merged,
    IReadOnlyList<string> Added,
    IReadOnlyList<PropertyConflict> Conflicts)
{
    /// <summary>True only when something was added: the case (or lab result) must be posted again.</summary>
    public bool Changed => Added.Count > 0;
}

/// <summary>
/// The add-if-missing merge of DESIGN.md section 4: fill blank properties, never overwrite a value, record the
/// conflicting values that were dropped. A value that is empty or only white space counts as missing, on either
/// side: a blank incoming value adds nothing. Values that differ only in leading or trailing white space or in
/// letter case ("Main St", "MAIN ST") are the same value, not a conflict: labs differ in how they write, not in what.
/// </summary>
public static class PropertyMerge
{
    public static PropertyMergeResult Merge(IReadOnlyDictionary<string, string> existing, IReadOnlyDictionary<string, string> incoming)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(incoming);

        var merged = new Dictionary<string, string>(existing, StringComparer.Ordinal);
        var added = new List<string>();
        var conflicts = new List<PropertyConflict>();
        foreach (var (property, value) in incoming)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!existing.TryGetValue(property, out var current) || string.IsNullOrWhiteSpace(current))
            {
                merged[property] = value;
                added.Add(property);
            }
            else if (!string.Equals(current.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                conflicts.Add(new PropertyConflict(property, current, value));
            }
        }

        added.Sort(StringComparer.Ordinal);
        conflicts.Sort((a, b) => string.CompareOrdinal(a.Property, b.Property));
        return new PropertyMergeResult(merged, added, conflicts);
    }
}
