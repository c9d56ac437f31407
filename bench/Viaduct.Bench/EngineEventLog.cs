using System.Text.Json;

namespace Viaduct.Bench;

/// <summary>
/// Reads an engine's compact JSON log lines as they come: keeps the events of the given ids (their properties, as
/// JSON), and counts warnings and errors (with the first few messages, which carry ids and error kinds only).
/// </summary>
internal sealed class EngineEventLog(params int[] eventIds)
{
    private const int KeptProblems = 5;

    private readonly HashSet<int> _eventIds = [.. eventIds];
    private readonly Lock _lock = new();
    private readonly List<(int Id, JsonElement Event)> _events = [];
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
                && eventId.TryGetProperty("Id", out var id) && _eventIds.Contains(id.GetInt32()))
            {
                var kept = root.Clone();
                lock (_lock)
                {
                    _events.Add((id.GetInt32(), kept));
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Not an event of the shape looked for: ignore it, the tail keeps the line.
        }
    }

    /// <summary>The events of <paramref name="id"/> logged so far, in order.</summary>
    public IReadOnlyList<JsonElement> Events(int id)
    {
        lock (_lock)
        {
            return [.. _events.Where(e => e.Id == id).Select(e => e.Event)];
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
