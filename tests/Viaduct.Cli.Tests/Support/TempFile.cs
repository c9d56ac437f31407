namespace Viaduct.Cli.Tests.Support;

/// <summary>A file path of its own under the temp directory, deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"viaduct-cli-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(Path);
}
