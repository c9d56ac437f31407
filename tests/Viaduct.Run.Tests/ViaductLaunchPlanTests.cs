namespace Viaduct.Run.Tests;

/// <summary>The plan for Viaduct's apps, against a fake repository whose "builds" are empty files.</summary>
public sealed class ViaductLaunchPlanTests : IDisposable
{
    private const string Database = "Host=127.0.0.1;Port=55432;Database=viaduct;Username=viaduct";
    private readonly string root = Directory.CreateTempSubdirectory("viaduct-run-plan-").FullName;

    public ViaductLaunchPlanTests()
    {
        foreach (var app in ViaductApp.All.Append(ViaductApp.Migrations))
        {
            var dll = app.DllPath(root, "Release");
            Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
            File.WriteAllText(dll, "");
        }
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private LaunchPlan Build(AppSelection selection, bool migrate = true, Func<int, bool>? isFree = null) =>
        ViaductLaunchPlan.Build(
            selection,
            migrate,
            new BuildLayout(root, "Release", "/usr/bin/dotnet", name => name == "ConnectionStrings__Viaduct" ? Database : null),
            new PortAssigner(isFree ?? (_ => true)));

    private static AppSelection Select(string[]? only = null, string[]? replicas = null) => AppSelection.Parse(only ?? [], replicas ?? [], false, false);

    [Fact]
    public void Migrate_runs_first_then_every_app_on_its_default_port_from_its_own_output_folder()
    {
        var plan = Build(Select());

        var migrate = Assert.Single(plan.Prepare);
        Assert.Equal("migrate", migrate.Name);
        Assert.Equal([ViaductApp.Migrations.DllPath(root, "Release"), "migrate"], migrate.Arguments);
        Assert.Equal(
            ["commcare http://127.0.0.1:5080/", "dashboard http://127.0.0.1:5090/", "e1-extractor http://127.0.0.1:5091/",
             "e2-transformer http://127.0.0.1:5092/", "e3-enqueuer http://127.0.0.1:5093/", "e4-loader http://127.0.0.1:5094/",
             "e5-sync http://127.0.0.1:5095/"],
            plan.Services.Select(spec => $"{spec.Name} {spec.Url}"));
        var e2 = plan.Services.Single(spec => spec.Name == "e2-transformer");
        Assert.Equal("/usr/bin/dotnet", e2.FileName);
        Assert.Equal([ViaductApp.All[3].DllPath(root, "Release"), "--urls", "http://127.0.0.1:5092"], e2.Arguments);
        Assert.Equal(Path.GetDirectoryName(e2.Arguments[0]), e2.WorkingDirectory);
        Assert.Equal(["/health", "/metrics"], e2.Paths);
        Assert.Empty(plan.Notes);
    }

    [Fact]
    public void Every_app_is_told_where_the_commcare_like_server_listens_and_the_server_gets_its_url_and_database()
    {
        var plan = Build(Select(), isFree: port => port != 5080);

        var commCare = plan.Services.Single(spec => spec.Name == "commcare");
        Assert.Equal("http://127.0.0.1:5100", commCare.Environment["CommCare__Urls"]);
        Assert.Equal(Database, commCare.Environment["ConnectionStrings__CommCare"]);
        Assert.All(plan.Services, spec => Assert.Equal("http://127.0.0.1:5100/", spec.Environment["CommCare__BaseUrl"]));
        Assert.Equal(["port 5080 is taken: commcare listens on 5100 instead"], plan.Notes);
    }

    [Fact]
    public void Replicas_are_numbered_and_each_gets_its_own_port()
    {
        var plan = Build(Select(only: ["e2"], replicas: ["e2=3"]), migrate: false);

        Assert.Empty(plan.Prepare);
        Assert.Equal(
            ["e2-transformer#1 http://127.0.0.1:5092/", "e2-transformer#2 http://127.0.0.1:5100/", "e2-transformer#3 http://127.0.0.1:5101/"],
            plan.Services.Select(spec => $"{spec.Name} {spec.Url}"));
        // Without the CommCare-like server in the plan, the engines keep whatever CommCare__BaseUrl they are given.
        Assert.All(plan.Services, spec => Assert.False(spec.Environment.ContainsKey("CommCare__BaseUrl")));
    }

    [Fact]
    public void A_missing_dashboard_build_is_refused_with_a_way_out()
    {
        File.Delete(ViaductApp.Dashboard.DllPath(root, "Release"));

        var error = Assert.Throws<FileNotFoundException>(() => Build(Select()));
        Assert.Contains("Viaduct.Dashboard.dll is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("--no-dashboard", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, Build(AppSelection.Parse([], [], false, noDashboard: true)).Services.Count);
    }
}
