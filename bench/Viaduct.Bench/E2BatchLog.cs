using System.Text.Json;

namespace Viaduct.Bench;

/// <summary>One E2 batch as its log event 2000 (BatchFinished) reports it.</summary>
internal sealed record E2Batch(int Claimed, long ElapsedMs, int Failed, int NewPeople, int NewCases, int NewLabResults);

/// <summary>
/// Reads E2's compact JSON log lines as they come: keeps each BatchFinished event, and counts warnings and errors
/// (with the first few messages, which carry ids and error kinds only).
/// </summary>
internal sealed class E2BatchLog
{
    private const int BatchFinishedEventId = 2000;
    private const int KeptProblems = 5;

    private readonly Lock _lock = new();
    private readonly List<E2Batch> _batches = [];
    private readonly List<string> _problems = [];
    private int _problemCount;

    public void OnLine(string line)
    {
        if (!line.StartsWith('{'))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("@l", out var level) && level.GetString() is "Warning" or "Error" or "Fatal")
            {
                lock (_lock)
                {
                    _problemCount++;
                    if (_problems.Count < KeptProblems)
                    {
                        _problems.Add($"{level.GetString()}: {(root.TryGetProperty("@m", out var message) ? message.GetString() : line)}");
                    }
                }
            }

            if (root.TryGetProperty("EventId", out var eventId) && eventId.ValueKind == JsonValueKind.Object
                && eventId.TryGetProperty("Id", out var id) && id.GetInt32() == BatchFinishedEventId)
            {
                var batch = new E2Batch(
                    root.GetProperty("Claimed").GetInt32(), root.GetProperty("ElapsedMs").GetInt64(), root.GetProperty("Failed").GetInt32(),
                    root.GetProperty("NewPeople").GetInt32(), root.GetProperty("NewCases").GetInt32(), root.GetProperty("NewLabResults").GetInt32());
                lock (_lock)
                {
                    _batches.Add(batch);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            // Not an event of the shape looked for: ignore it, the tail keeps the line.
        }
    }

    /// <summary>The batches reported so far, in the order E2 finished them.</summary>
    public IReadOnlyList<E2Batch> Batches()
    {
        lock (_lock)
        {
            return [.. _batches];
        }
    }

    public int ProblemCount
    {
        get
        {
            lock (_lock)
            {
                return _problemCount;
            }
        }
    }

    public IReadOnlyList<string> Problems()
    {
        lock (_lock)
        {
            return [.. _problems];
        }
    }
}
