using Viaduct.Shared.Data.Operations;

namespace Viaduct.Run;

internal enum AppKind
{
    /// <summary>A host others depend on (the CommCare-like server, the dashboard); runs once.</summary>
    Server,

    /// <summary>An engine; several replicas may run against one database.</summary>
    Engine,
}

/// <summary>One of Viaduct's executables: where its build lands, its default port and the paths worth showing.</summary>
/// <param name="Name">The name used in output prefixes and <c>--only</c>.</param>
/// <param name="Alias">A short name also accepted by <c>--only</c> and <c>--replicas</c> (<c>e2</c>).</param>
/// <param name="ProjectDirectory">The project folder, relative to the repository root.</param>
/// <param name="Assembly">The assembly name (the dll without its extension).</param>
internal sealed record ViaductApp(
    string Name, string Alias, string ProjectDirectory, string Assembly, int DefaultPort, AppKind Kind, IReadOnlyList<string> Paths)
{
    private static readonly string[] EnginePaths = ["/health", "/metrics"];

    public static readonly ViaductApp Migrations =
        new("migrate", "migrate", "migrations/Viaduct.Migrations", "Viaduct.Migrations", 0, AppKind.Server, []);

    public static readonly ViaductApp CommCare =
        new("commcare", "commcare", "src/Viaduct.CommCare", "Viaduct.CommCare", 5080, AppKind.Server, ["/health"]);

    public static readonly ViaductApp Dashboard =
        new("dashboard", "dashboard", "src/Viaduct.Dashboard", "Viaduct.Dashboard", 5090, AppKind.Server, ["/ops", "/hangfire"]);

    /// <summary>What <c>scripts/run.sh</c> starts, in start order: the servers the engines talk to, then the engines in pipeline order.</summary>
    public static readonly IReadOnlyList<ViaductApp> All =
    [
        CommCare,
        Dashboard,
        new(EngineNames.Extractor, "e1", "src/Engines.E1.Extractor", "Viaduct.E1.Extractor", 5091, AppKind.Engine, EnginePaths),
        new(EngineNames.Transformer, "e2", "src/Engines.E2.Transformer", "Viaduct.E2.Transformer", 5092, AppKind.Engine, EnginePaths),
        new(EngineNames.Enqueuer, "e3", "src/Engines.E3.Enqueuer", "Viaduct.E3.Enqueuer", 5093, AppKind.Engine, EnginePaths),
        new(EngineNames.Loader, "e4", "src/Engines.E4.Loader", "Viaduct.E4.Loader", 5094, AppKind.Engine, EnginePaths),
        new(EngineNames.Sync, "e5", "src/Engines.E5.Sync", "Viaduct.E5.Sync", 5095, AppKind.Engine, EnginePaths),
    ];

    /// <summary>The app called <paramref name="nameOrAlias"/> (<c>e2</c>, <c>e2-transformer</c>, <c>commcare</c>; any case), or null.</summary>
    public static ViaductApp? Find(string nameOrAlias) =>
        All.FirstOrDefault(app =>
            string.Equals(app.Name, nameOrAlias, StringComparison.OrdinalIgnoreCase)
            || string.Equals(app.Alias, nameOrAlias, StringComparison.OrdinalIgnoreCase));

    /// <summary>The dll under <paramref name="root"/> for a build in <paramref name="configuration"/>.</summary>
    public string DllPath(string root, string configuration) =>
        Path.Combine(root, ProjectDirectory, "bin", configuration, "net10.0", Assembly + ".dll");
}
