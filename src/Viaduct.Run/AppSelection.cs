namespace Viaduct.Run;

/// <summary>One app to start and how many copies of it.</summary>
internal sealed record SelectedApp(ViaductApp App, int Replicas);

/// <summary>
/// Which apps to start, from <c>--only</c>, <c>--replicas</c>, <c>--no-commcare</c> and <c>--no-dashboard</c>;
/// in <see cref="ViaductApp.All"/> order whatever order the options named them in.
/// </summary>
internal sealed record AppSelection(IReadOnlyList<SelectedApp> Apps)
{
    /// <summary>More copies than this of one engine on one machine is a typo, not a test.</summary>
    public const int MaxReplicas = 32;

    /// <summary>Parses the options; throws <see cref="ArgumentException"/> with a message for the operator when they make no sense.</summary>
    /// <param name="only">Values of <c>--only</c>, each one name or a comma-separated list; empty means every app.</param>
    /// <param name="replicas">Values of <c>--replicas</c>, each <c>e2=3</c> or a comma-separated list of them.</param>
    public static AppSelection Parse(IEnumerable<string> only, IEnumerable<string> replicas, bool noCommCare, bool noDashboard)
    {
        ArgumentNullException.ThrowIfNull(only);
        ArgumentNullException.ThrowIfNull(replicas);
        var named = SplitList(only).Select(Resolve).ToHashSet();
        var apps = ViaductApp.All
            .Where(app => named.Count == 0 || named.Contains(app))
            .Where(app => !(noCommCare && app == ViaductApp.CommCare) && !(noDashboard && app == ViaductApp.Dashboard))
            .ToList();
        if (apps.Count == 0)
        {
            throw new ArgumentException("nothing to start: --only and --no-commcare/--no-dashboard leave no process");
        }

        var counts = new Dictionary<ViaductApp, int>();
        foreach (var item in SplitList(replicas))
        {
            var (app, count) = ParseReplicas(item);
            if (!apps.Contains(app))
            {
                throw new ArgumentException($"--replicas {item}: {app.Name} is not started (see --only)");
            }

            if (!counts.TryAdd(app, count))
            {
                throw new ArgumentException($"--replicas names {app.Name} twice");
            }
        }

        return new AppSelection(apps.Select(app => new SelectedApp(app, counts.GetValueOrDefault(app, 1))).ToList());
    }

    private static (ViaductApp App, int Count) ParseReplicas(string item)
    {
        var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var count))
        {
            throw new ArgumentException($"--replicas {item}: expected ENGINE=COUNT, such as e2=3");
        }

        var app = Resolve(parts[0]);
        if (app.Kind != AppKind.Engine)
        {
            throw new ArgumentException($"--replicas {item}: only engines run in several copies, not {app.Name}");
        }

        if (count is < 1 or > MaxReplicas)
        {
            throw new ArgumentException($"--replicas {item}: the count must be between 1 and {MaxReplicas}");
        }

        return (app, count);
    }

    private static ViaductApp Resolve(string name) =>
        ViaductApp.Find(name) ?? throw new ArgumentException(
            $"unknown process '{name}' (known: {string.Join(", ", ViaductApp.All.Select(app => app.Alias == app.Name ? app.Name : $"{app.Alias} ({app.Name})"))})");

    private static IEnumerable<string> SplitList(IEnumerable<string> values) =>
        values.SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
