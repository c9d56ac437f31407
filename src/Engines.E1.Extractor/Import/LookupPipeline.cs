using Npgsql;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// The chunks of an import that wait on a lookup in the dedup memory. Lookups are the longest chain of a re-sent
/// export's import, so two run at once, each on a <see cref="KnownChecksums"/> connection of its own, and the parser
/// goes on meanwhile; answers come back in file order. The pipeline owns the chunks' buffers: a chunk is rented to
/// be read into and returned once its answer has been used.
/// </summary>
internal sealed class LookupPipeline : IAsyncDisposable
{
    public const int InFlight = 2;

    private readonly KnownChecksums?[] _lookups = new KnownChecksums?[InFlight];
    private readonly Stack<RowChunk> _spare = new(InFlight + 1);
    private readonly Queue<(RowChunk Chunk, Task<bool[]> Known)> _waiting = new(InFlight);
    private int _next;

    private LookupPipeline(int chunkSize, CountyCodes counties)
    {
        for (var i = 0; i <= InFlight; i++)
        {
            _spare.Push(new RowChunk(chunkSize, counties));
        }
    }

    /// <param name="replay">The file is being replayed (see <see cref="KnownChecksums.OpenAsync"/>).</param>
    public static async Task<LookupPipeline> OpenAsync(
        NpgsqlDataSource dataSource, long fileId, bool replay, int chunkSize, CountyCodes counties, CancellationToken cancellationToken)
    {
        var pipeline = new LookupPipeline(chunkSize, counties);
        try
        {
            for (var i = 0; i < InFlight; i++)
            {
                pipeline._lookups[i] = await KnownChecksums.OpenAsync(dataSource, fileId, replay, cancellationToken);
            }

            return pipeline;
        }
        catch
        {
            await pipeline.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether a chunk must be taken out (<see cref="NextAsync"/>) before another can be started.</summary>
    public bool IsFull => _waiting.Count == InFlight;

    public bool IsEmpty => _waiting.Count == 0;

    /// <summary>A chunk to read rows into; give it back with <see cref="Return"/> or <see cref="Start"/>.</summary>
    public RowChunk Rent() => _spare.Pop();

    public void Return(RowChunk chunk) => _spare.Push(chunk);

    /// <summary>Starts looking the chunk's checksums up; at most <see cref="InFlight"/> at once.</summary>
    public void Start(RowChunk chunk, CancellationToken cancellationToken)
    {
        if (IsFull)
        {
            throw new InvalidOperationException($"at most {InFlight} lookups run at once");
        }

        // Round robin: the connection of the lookup answered last is the one free now.
        _waiting.Enqueue((chunk, _lookups[_next++ % InFlight]!.LookUpAsync(chunk, cancellationToken)));
    }

    /// <summary>The oldest chunk and which of its rows the memory holds (true at the row's index); return the chunk once used.</summary>
    public async Task<(RowChunk Chunk, bool[] Known)> NextAsync()
    {
        var (chunk, known) = _waiting.Peek();
        var answer = await known;
        _waiting.Dequeue();
        return (chunk, answer);
    }

    public async ValueTask DisposeAsync()
    {
        // Let abandoned lookups finish before their connections are closed.
        await Task.WhenAny(Task.WhenAll(_waiting.Select(w => w.Known)));
        foreach (var lookup in _lookups)
        {
            if (lookup is not null)
            {
                await lookup.DisposeAsync();
            }
        }
    }
}
