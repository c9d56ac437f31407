using Viaduct.Engines.E2.Transformer.Cases;
using Viaduct.Engines.E2.Transformer.Counties;

namespace Viaduct.Engines.E2.Transformer.Transform;

/// <summary>A claimed test result, read and placed in its county, waiting to be matched.</summary>
public sealed record PendingResult(long TestResultId, ResultRow Row, County County);

/// <summary>A person as stored, loaded because a result of the batch may be theirs.</summary>
public sealed record StoredPerson(
    long Id, IReadOnlyList<string> PatientKeys, string? IdentityKey, string? LastName, string? FirstName, DateOnly? DateOfBirth);

/// <summary>An index case as stored, with its patient case properties.</summary>
public sealed record StoredCase(
    long Id,
    long PersonId,
    string CountyFips,
    bool Closed,
    bool RegisteredInError,
    string TransferState,
    IReadOnlyDictionary<string, string> Properties);

/// <summary>A lab result as stored, with its lab_result case properties.</summary>
public sealed record StoredLabResult(long Id, long IndexCaseId, string AccessionNumber, IReadOnlyDictionary<string, string> Properties);

/// <summary>What one result came to, as recorded in <c>transform_outcomes</c>.</summary>
public sealed record ResultOutcome(long TestResultId, string Outcome, string? Detail, long? PersonId, IReadOnlyList<long> IndexCaseIds);
