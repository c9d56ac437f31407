using System.Security.Cryptography;
using System.Threading.Channels;
using Amazon.S3;
using Amazon.S3.Model;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// The object as a stream the parser can read synchronously while the download goes on: a background task
/// reads the HTTP response asynchronously, hashes it and hands over blocks through a bounded channel, so
/// downloading and parsing overlap and memory stays at a few blocks whatever the object's size. (Reading
/// the HTTP response synchronously from the parser would instead spin a thread on the network.)
/// </summary>
internal sealed class ObjectStream : Stream
{
    private const int BlockSize = 1 << 20;
    private const int Blocks = 8;
    private readonly Channel<(byte[] Block, int Length)> _blocks =
        Channel.CreateBounded<(byte[] Block, int Length)>(new BoundedChannelOptions(Blocks) { SingleReader = true, SingleWriter = true });

    // The same few blocks go round: the reader hands each back once it has read it, so a file of any size
    // allocates no more than these.
    private readonly Channel<byte[]> _free = Channel.CreateBounded<byte[]>(Blocks + 1);
    private readonly TaskCompletionSource<long> _contentLength = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop;
    private readonly Task<byte[]> _download;
    private byte[]? _current;
    private int _currentLength;
    private int _offset;

    private ObjectStream(IAmazonS3 s3, GetObjectRequest request, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        for (var i = 0; i < Blocks; i++)
        {
            _free.Writer.TryWrite(new byte[BlockSize]);
        }

        _download = Task.Run(() => DownloadAsync(s3, request, _stop.Token), _stop.Token);
    }

    public long BytesRead { get; private set; }

    public static ObjectStream Open(IAmazonS3 s3, GetObjectRequest request, CancellationToken cancellationToken) =>
        new(s3, request, cancellationToken);

    /// <summary>The object's size as S3 announced it, once the response has arrived.</summary>
    public Task<long> ContentLengthAsync() => _contentLength.Task;

    /// <summary>The SHA-256 of the whole object, once it has been read to the end; rethrows a download failure.</summary>
    public Task<byte[]> Sha256Async() => _download;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_current is null || _offset == _currentLength)
        {
            if (!NextBlock())
            {
                return 0;
            }
        }

        var take = Math.Min(buffer.Length, _currentLength - _offset);
        _current.AsSpan(_offset, take).CopyTo(buffer);
        _offset += take;
        BytesRead += take;
        return take;
    }

    private bool NextBlock()
    {
        var reader = _blocks.Reader;
        (byte[] Block, int Length) next;
        while (!reader.TryRead(out next))
        {
            // Blocks this thread until the download hands over the next block or finishes.
            if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                // Finished: surface a download failure instead of a silently short file.
                _download.GetAwaiter().GetResult();
                return false;
            }
        }

        if (_current is not null)
        {
            _free.Writer.TryWrite(_current);
        }

        (_current, _currentLength) = next;
        _offset = 0;
        return true;
    }

    private async Task<byte[]> DownloadAsync(IAmazonS3 s3, GetObjectRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(request, cancellationToken);
            _contentLength.TrySetResult(response.ContentLength);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            while (true)
            {
                var block = await _free.Reader.ReadAsync(cancellationToken);
                var filled = 0;
                int read;
                while (filled < BlockSize && (read = await response.ResponseStream.ReadAsync(block.AsMemory(filled), cancellationToken)) > 0)
                {
                    filled += read;
                }

                if (filled == 0)
                {
                    break;
                }

                hash.AppendData(block, 0, filled);
                await _blocks.Writer.WriteAsync((block, filled), cancellationToken);
                if (filled < BlockSize)
                {
                    break;
                }
            }

            _blocks.Writer.TryComplete();
            return hash.GetHashAndReset();
        }
        catch (Exception ex)
        {
            _contentLength.TrySetException(ex);
            _blocks.Writer.TryComplete(ex);
            throw;
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            try
            {
                _download.Wait();
            }
            catch (AggregateException)
            {
                // The download's own failure was reported to the reader already, or it was cancelled here.
            }

            _stop.Dispose();
        }

        base.Dispose(disposing);
    }
}
