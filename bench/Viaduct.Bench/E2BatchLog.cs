namespace Viaduct.Bench;

/// <summary>One E2 batch as its log event 2000 (BatchFinished) reports it.</summary>
internal sealed record E2Batch(int Claimed, long ElapsedMs, int Failed, int NewPeople, int NewCases, int NewLabResults);

/// <summary>E2's log read as it comes (<see cref="EngineEventLog"/>), with its BatchFinished events as <see cref="E2Batch"/>es.</summary>
internal sealed class E2BatchLog
{
    private const int BatchFinishedEventId = 2000;

    private readonly EngineEventLog _log = new(BatchFinishedEventId);

    public void OnLine(string line) => _log.OnLine(line);

    /// <summary>The batches reported so far, in the order E2 finished them.</summary>
    public IReadOnlyList<E2Batch> Batches() =>
    [
        .. _log.Events(BatchFinishedEventId).Select(e => new E2Batch(
            e.GetProperty("Claimed").GetInt32(), e.GetProperty("ElapsedMs").GetInt64(), e.GetProperty("Failed").GetInt32(),
            e.GetProperty("NewPeople").GetInt32(), e.GetProperty("NewCases").GetInt32(), e.GetProperty("NewLabResults").GetInt32())),
    ];

    public int ProblemCount => _log.ProblemCount;

    public IReadOnlyList<string> Problems() => _log.Problems();
}
