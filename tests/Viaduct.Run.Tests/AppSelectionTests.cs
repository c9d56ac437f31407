namespace Viaduct.Run.Tests;

public class AppSelectionTests
{
    private static AppSelection Parse(string[]? only = null, string[]? replicas = null, bool noCommCare = false, bool noDashboard = false) =>
        AppSelection.Parse(only ?? [], replicas ?? [], noCommCare, noDashboard);

    private static string[] Names(AppSelection selection) => selection.Apps.Select(app => $"{app.App.Name}x{app.Replicas}").ToArray();

    [Fact]
    public void Without_options_every_app_starts_once_servers_first_then_engines_in_pipeline_order() =>
        Assert.Equal(
            ["commcarex1", "dashboardx1", "e1-extractorx1", "e2-transformerx1", "e3-enqueuerx1", "e4-loaderx1", "e5-syncx1"],
            Names(Parse()));

    [Fact]
    public void Only_takes_short_and_full_names_comma_separated_or_repeated_in_any_case() =>
        Assert.Equal(["e2-transformerx1", "e3-enqueuerx1", "e4-loaderx1"], Names(Parse(only: ["E4-loader", "e3 ,e2"])));

    [Fact]
    public void Only_may_name_the_servers() =>
        Assert.Equal(["commcarex1", "e4-loaderx1"], Names(Parse(only: ["e4,commcare"])));

    [Fact]
    public void No_commcare_and_no_dashboard_leave_the_servers_out() =>
        Assert.Equal(["e1-extractorx1", "e2-transformerx1", "e3-enqueuerx1", "e4-loaderx1", "e5-syncx1"], Names(Parse(noCommCare: true, noDashboard: true)));

    [Fact]
    public void Replicas_scale_engines_given_once_each_or_in_one_list() =>
        Assert.Equal(["e2-transformerx3", "e4-loaderx2", "e5-syncx1"], Names(Parse(only: ["e2,e4,e5"], replicas: ["e2=3", "e4-loader = 2"])));

    [Fact]
    public void Replicas_in_a_comma_separated_list_are_each_applied() =>
        Assert.Equal(["e2-transformerx3", "e3-enqueuerx2"], Names(Parse(only: ["e2,e3"], replicas: ["e2=3,e3=2"])));

    [Theory]
    [InlineData("e2", "expected ENGINE=COUNT")]
    [InlineData("e2:3", "expected ENGINE=COUNT")]
    [InlineData("e2=three", "expected ENGINE=COUNT")]
    [InlineData("e2=0", "between 1 and 32")]
    [InlineData("e2=33", "between 1 and 32")]
    [InlineData("commcare=2", "only engines run in several copies")]
    [InlineData("e9=2", "unknown process 'e9'")]
    public void Bad_replicas_are_refused_with_a_reason(string value, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => Parse(replicas: [value]));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replicas_of_an_engine_left_out_by_only_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Parse(only: ["e2"], replicas: ["e4=2"]));
        Assert.Contains("e4-loader is not started", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_engine_twice_in_replicas_is_refused() =>
        Assert.Throws<ArgumentException>(() => Parse(replicas: ["e2=2", "e2-transformer=3"]));

    [Fact]
    public void An_unknown_name_in_only_is_refused_with_the_known_names()
    {
        var error = Assert.Throws<ArgumentException>(() => Parse(only: ["e2,loader"]));
        Assert.Contains("unknown process 'loader'", error.Message, StringComparison.Ordinal);
        Assert.Contains("e4 (e4-loader)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_that_leave_nothing_to_start_are_refused() =>
        Assert.Throws<ArgumentException>(() => Parse(only: ["commcare"], noCommCare: true));
}
