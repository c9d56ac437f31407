using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E2.Transformer.Tests.Hosting;

public sealed class E2OptionsAndWakeSignalTests
{
    [Fact]
    public async Task A_signal_given_before_the_sleep_ends_the_next_sleep_at_once()
    {
        using var wake = new WakeSignal();
        wake.Set();
        wake.Set();

        Assert.True(await wake.WaitAsync(TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None));
        // Two signals while nobody slept count as one: the following sleep runs its course.
        Assert.False(await wake.WaitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task A_signal_during_the_sleep_ends_it()
    {
        using var wake = new WakeSignal();
        var sleeping = wake.WaitAsync(TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None);
        await Task.Delay(20);
        Assert.False(sleeping.IsCompleted);

        wake.Set();

        Assert.True(await sleeping.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void The_defaults_are_valid_and_find_the_shipped_county_file()
    {
        var options = new E2Options();

        Assert.Empty(options.Problems());
        Assert.True(File.Exists(options.ResolveCountiesPath()));
        Assert.Equal(1_000, options.BatchSize);
    }

    [Theory]
    [InlineData("E2:PollInterval", "00:00:00", "PollInterval")]
    [InlineData("E2:MaxErrorBackoff", "00:00:00.5", "MaxErrorBackoff")]
    [InlineData("E2:BatchSize", "0", "BatchSize")]
    [InlineData("E2:CountiesPath", "/nonexistent/counties.json", "no county file")]
    public void A_bad_setting_stops_the_host_at_start_with_its_name(string key, string value, string expected)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Viaduct"] = "Host=127.0.0.1;Database=unused",
            ["E2:WorkerEnabled"] = "false",
            [key] = value,
        });
        builder.AddE2Transformer();
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<E2Options>>().Value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
