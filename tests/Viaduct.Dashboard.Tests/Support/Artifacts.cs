namespace Viaduct.Dashboard.Tests.Support;

/// <summary>Where tests leave files for people and CI to look at: <c>artifacts/</c> at the repository root (ignored by git).</summary>
public static class Artifacts
{
    public static string Directory(string name)
    {
        var path = Path.Combine(RepositoryRoot(), "artifacts", name);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engines.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Engines.sln above {AppContext.BaseDirectory}: cannot tell where the repository root is");
    }
}
