namespace Viaduct.CommCare.Storage;

/// <summary>What a changes-list request selects. Several values of one filter match any of them, as in CommCare HQ.</summary>
internal sealed class CaseListFilter
{
    public List<string> CaseTypes { get; } = [];

    public List<string> OwnerIds { get; } = [];

    public List<string> ExternalIds { get; } = [];

    public List<string> CaseNames { get; } = [];

    public bool? Closed { get; set; }

    public List<DateBound> DateBounds { get; } = [];

    /// <summary><c>properties.&lt;name&gt;=&lt;value&gt;</c>: exact match; an empty value also matches a missing property.</summary>
    public List<KeyValuePair<string, string>> Properties { get; } = [];

    /// <summary><c>indices.&lt;name&gt;=&lt;case_id&gt;</c>: cases whose index of that name points at the case.</summary>
    public List<KeyValuePair<string, string>> Indices { get; } = [];
}

/// <summary>The time columns a list may be filtered on.</summary>
internal enum CaseTimeColumn
{
    ServerLastModified,
    LastModified,
    DateOpened,
    DateClosed,
}

internal enum Comparison
{
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}

internal sealed record DateBound(CaseTimeColumn Column, Comparison Comparison, DateTime Value);

/// <summary>A position in the changes list: after the case changed at <see cref="Stamp"/> with <see cref="Seq"/>.</summary>
internal readonly record struct ChangePosition(DateTime Stamp, long Seq);
