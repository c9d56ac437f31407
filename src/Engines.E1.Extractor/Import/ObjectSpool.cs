using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>
/// The object copied to a local temporary file (deleted on close), hashed on the way. The download runs
/// asynchronously at network speed, and the parser then reads a local file: reading the HTTP response
/// synchronously from the parser would block a thread on the network for the whole import. The content
/// hash is known before any row is parsed, so a duplicate delivery costs only the download.
/// </summary>
internal sealed class ObjectSpool : IAsyncDisposable
{
    private ObjectSpool(FileStream file, byte[] sha256)
    {
        File = file;
        Sha256 = sha256;
    }

    public FileStream File { get; }

    public byte[] Sha256 { get; }

    public long Length => File.Length;

    public static async Task<ObjectSpool> DownloadAsync(IAmazonS3 s3, GetObjectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(s3);
        var path = Path.Combine(Path.GetTempPath(), $"viaduct-e1-object-{Guid.NewGuid():N}.txt");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            using var response = await s3.GetObjectAsync(request, cancellationToken);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await response.ResponseStream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await file.FlushAsync(cancellationToken);
            file.Position = 0;
            return new ObjectSpool(file, hash.GetHashAndReset());
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => File.DisposeAsync();
}
