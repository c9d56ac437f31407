using System.Globalization;

namespace Viaduct.Run;

/// <summary>Where the built apps are and what they are given.</summary>
/// <param name="Root">The repository root (holds <c>Engines.sln</c>).</param>
/// <param name="Configuration">The build configuration whose output is run (<c>Release</c>).</param>
/// <param name="Dotnet">The <c>dotnet</c> host that runs each dll.</param>
/// <param name="Environment">Reads the supervisor's environment (the children inherit it; some values are derived from it).</param>
internal sealed record BuildLayout(string Root, string Configuration, string Dotnet, Func<string, string?> Environment);

/// <summary>The plan for Viaduct's own apps: migrate, then each selected app (and replica) on its own loopback port.</summary>
internal static class ViaductLaunchPlan
{
    public static LaunchPlan Build(AppSelection selection, bool migrate, BuildLayout layout, PortAssigner ports)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(ports);

        var instances = selection.Apps
            .SelectMany(selected => Enumerable.Range(1, selected.Replicas).Select(replica => (
                selected.App,
                Name: selected.Replicas == 1 ? selected.App.Name : $"{selected.App.Name}#{replica}",
                Preferred: replica == 1 ? selected.App.DefaultPort : (int?)null)))
            .ToList();
        var assigned = ports.Assign(instances.Select(instance => instance.Preferred).ToList());
        var notes = new List<string>();

        var commCarePort = instances.FindIndex(instance => instance.App == ViaductApp.CommCare) is var index and >= 0
            ? assigned[index]
            : (int?)null;
        var services = new List<ProcessSpec>();
        for (var i = 0; i < instances.Count; i++)
        {
            var (app, name, preferred) = instances[i];
            var port = assigned[i];
            if (preferred is { } wanted && wanted != port)
            {
                notes.Add($"port {wanted} is taken: {name} listens on {port} instead");
            }

            var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
            var environment = new Dictionary<string, string?>();
            if (commCarePort is { } commCare)
            {
                // E4 posts to it and E5 pulls from it; the default (5080) would be wrong when 5080 was taken.
                environment["CommCare__BaseUrl"] = $"http://127.0.0.1:{commCare.ToString(CultureInfo.InvariantCulture)}/";
            }

            if (app == ViaductApp.CommCare)
            {
                environment["CommCare__Urls"] = url.ToString().TrimEnd('/');
                // The CommCare-like server keeps its cases in its own schema of the same local database.
                environment["ConnectionStrings__CommCare"] =
                    layout.Environment("ConnectionStrings__CommCare") ?? layout.Environment("ConnectionStrings__Viaduct");
            }

            services.Add(Spec(app, name, layout, ["--urls", url.ToString().TrimEnd('/')], environment) with
            {
                Url = url,
                Paths = app.Paths,
            });
        }

        IReadOnlyList<ProcessSpec> prepare = migrate
            ? [Spec(ViaductApp.Migrations, ViaductApp.Migrations.Name, layout, ["migrate"], new Dictionary<string, string?>())]
            : [];
        return new LaunchPlan(prepare, services, notes);
    }

    private static ProcessSpec Spec(
        ViaductApp app, string name, BuildLayout layout, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var dll = app.DllPath(layout.Root, layout.Configuration);
        if (!File.Exists(dll))
        {
            var hint = app == ViaductApp.Dashboard
                ? "; the dashboard host is not built (or not written yet): build Engines.sln, or pass --no-dashboard"
                : $"; build it first: dotnet build Engines.sln -c {layout.Configuration} (scripts/run.sh does)";
            throw new FileNotFoundException($"{name}: {dll} is missing{hint}", dll);
        }

        // Each host runs from its own output folder, so it finds its appsettings.json there.
        return new ProcessSpec(name, layout.Dotnet, [dll, .. arguments], environment, Path.GetDirectoryName(dll));
    }
}
