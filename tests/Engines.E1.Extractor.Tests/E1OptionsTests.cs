namespace Viaduct.Engines.E1.Extractor.Tests;

public sealed class E1OptionsTests
{
    [Fact]
    public void The_defaults_are_valid_once_bucket_and_queue_are_named()
    {
        Assert.Empty(new E1Options { Bucket = "b", Queue = "q" }.Problems());
    }

    [Theory]
    [InlineData(nameof(E1Options.MaxMessages), "E1:MaxMessages")]
    [InlineData(nameof(E1Options.ReceiveWaitTime), "E1:ReceiveWaitTime")]
    [InlineData(nameof(E1Options.VisibilityHeartbeat), "E1:VisibilityHeartbeat")]
    [InlineData(nameof(E1Options.MaxReceiveCount), "E1:MaxReceiveCount")]
    [InlineData(nameof(E1Options.SweepInterval), "E1:SweepInterval")]
    [InlineData(nameof(E1Options.VacuumAfterNewRows), "E1:VacuumAfterNewRows")]
    public void An_out_of_range_setting_is_reported_by_name(string setting, string expected)
    {
        var options = new E1Options { Bucket = "b", Queue = "q" };
        switch (setting)
        {
            case nameof(E1Options.MaxMessages): options.MaxMessages = 11; break;
            case nameof(E1Options.ReceiveWaitTime): options.ReceiveWaitTime = TimeSpan.FromSeconds(21); break;
            case nameof(E1Options.VisibilityHeartbeat): options.VisibilityHeartbeat = options.VisibilityTimeout; break;
            case nameof(E1Options.MaxReceiveCount): options.MaxReceiveCount = 0; break;
            case nameof(E1Options.SweepInterval): options.SweepInterval = TimeSpan.Zero; break;
            case nameof(E1Options.VacuumAfterNewRows): options.VacuumAfterNewRows = -1; break;
        }

        Assert.Contains(options.Problems(), problem => problem.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_with_invalid_settings_refuses_to_start()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration["ConnectionStrings:Viaduct"] = "Host=127.0.0.1;Database=unused";
        builder.Configuration["E1:Bucket"] = "b";
        builder.Configuration["E1:Queue"] = "q";
        builder.Configuration["E1:MaxMessages"] = "50";
        builder.AddE1Extractor();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("E1:MaxMessages", error.Message, StringComparison.Ordinal);
    }
}
