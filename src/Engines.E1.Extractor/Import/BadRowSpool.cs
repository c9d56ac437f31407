using System.Text;
using Viaduct.Shared.Eclrs;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// Bad rows wait on local disk until the file's rows are committed: a file of nothing but garbage must not
/// grow the process, and only one COPY can run on a connection at a time.
/// </summary>
internal sealed class BadRowSpool : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"viaduct-e1-bad-{Guid.NewGuid():N}.bin");
    private FileStream? _stream;
    private BinaryWriter? _writer;

    public int Count { get; private set; }

    /// <summary>Keeps the reader's current row if it is bad; true when it was.</summary>
    public bool KeepIfBad(EclrsReader reader)
    {
        if (reader.Error is not { } error)
        {
            return false;
        }

        Add(reader.LineNumber, error, reader.RawLine);
        return true;
    }

    private void Add(int lineNumber, string reason, string rawData)
    {
        if (_writer is null)
        {
            _stream = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            _writer = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);
        }

        _writer.Write(lineNumber);
        _writer.Write(reason);
        _writer.Write(rawData);
        Count++;
    }

    public IEnumerable<(int LineNumber, string Reason, string RawData)> ReadAll()
    {
        if (_writer is null || _stream is null)
        {
            yield break;
        }

        _writer.Flush();
        _stream.Position = 0;
        using var reader = new BinaryReader(_stream, Encoding.UTF8, leaveOpen: true);
        for (var i = 0; i < Count; i++)
        {
            yield return (reader.ReadInt32(), reader.ReadString(), reader.ReadString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }
    }
}
