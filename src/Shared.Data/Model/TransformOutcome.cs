namespace Viaduct.Shared.Data.Model;

/// <summary>The outcomes E2 records, as text in <c>transform_outcomes.outcome</c>.</summary>
public static class TransformOutcomeKind
{
    /// <summary>Something was added: a person, a patient key, a case, a lab result or a property.</summary>
    public const string Transformed = "transformed";

    /// <summary>Everything the result says was known already.</summary>
    public const string NoNewInformation = "no_new_information";

    /// <summary>Deliberately not used; <c>detail</c> says why.</summary>
    public const string Ignored = "ignored";

    /// <summary>An error stopped this result (and only this one); <c>detail</c> holds it.</summary>
    public const string Failed = "failed";
}

/// <summary>
/// What one transformation of one test result came to (<c>transform_outcomes</c>, append-only): a result
/// transformed again later has one row per time.
/// </summary>
public sealed class TransformOutcome
{
    public long Id { get; set; }
    public long TestResultId { get; set; }
    public required string Outcome { get; set; }
    public string? Detail { get; set; }
    public long? PersonId { get; set; }

    /// <summary>The index cases the result was added to.</summary>
    public long[] IndexCaseIds { get; set; } = [];

    public required string Engine { get; set; }
    public required string Host { get; set; }
    public DateTime RecordedAt { get; set; }
}
