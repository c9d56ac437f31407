namespace Viaduct.Cli.Trace;

/// <summary>
/// What the data at rest says happened to one item: facts about it now, and every recorded step in time order. Ids,
/// engines, hosts, times, states and reasons only: never a patient's name, date of birth, address or phone.
/// </summary>
internal sealed record TraceReport(string Subject, long Id, IReadOnlyList<TraceFact> Facts, IReadOnlyList<TraceStep> Steps, int StepsLeftOut);

internal sealed record TraceFact(string Name, string Value);

/// <summary>One recorded step: when, which engine on which host, on what (<c>file 3</c>, <c>case 9</c>), what, and its figures or reason.</summary>
internal sealed record TraceStep(DateTime At, string Engine, string? Host, string Subject, string Step, string? Detail);
