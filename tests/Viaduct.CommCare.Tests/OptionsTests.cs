using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Viaduct.CommCare.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_every_fault_is_off()
    {
        var options = new CommCareServerOptions();

        Assert.Empty(options.Problems());
        Assert.Equal("commcare", options.Schema);
        Assert.Equal(100, options.PageSize);
        Assert.Equal("http://127.0.0.1:5080", options.Urls);
        Assert.Equal(0, options.Faults.FailureRate);
        Assert.Equal(0, options.Faults.ThrottleRate);
        Assert.Equal(0, options.Faults.FailAfterApplyRate);
        Assert.Equal(TimeSpan.Zero, options.Faults.Latency);
    }

    [Theory]
    [InlineData("Schema", "CommCare:Schema")]
    [InlineData("PageSize", "CommCare:PageSize")]
    [InlineData("FailureRate", "CommCare:Faults:FailureRate")]
    [InlineData("ThrottleRate", "CommCare:Faults:FailureRate and ThrottleRate")]
    [InlineData("FailureStatusCodes", "CommCare:Faults:FailureStatusCodes")]
    [InlineData("Latency", "CommCare:Faults:Latency")]
    [InlineData("Users", "CommCare:Users:0:ApiKey")]
    public void An_out_of_range_setting_is_reported_by_name(string setting, string expected)
    {
        var options = new CommCareServerOptions();
        switch (setting)
        {
            case "Schema": options.Schema = "Robert'); DROP TABLE"; break;
            case "PageSize": options.PageSize = 0; break;
            case "FailureRate": options.Faults.FailureRate = -0.1; break;
            case "ThrottleRate": options.Faults.FailureRate = 0.5; options.Faults.ThrottleRate = 0.6; break;
            case "FailureStatusCodes": options.Faults.FailureStatusCodes = [418]; break;
            case "Latency": options.Faults.Latency = TimeSpan.FromMinutes(11); break;
            case "Users": options.Users = [new ApiUser { Username = "u", ApiKey = "" }]; break;
        }

        Assert.Contains(options.Problems(), problem => problem.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_with_invalid_settings_refuses_to_start()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:CommCare"] = "Host=127.0.0.1;Database=unused",
            ["CommCare:Faults:ThrottleRate"] = "2",
        });
        builder.AddCommCareServer();
        await using var app = builder.Build();
        app.MapCommCareServer();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("CommCare:Faults:ThrottleRate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_configured_users_the_default_local_user_is_the_one_user()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddCommCareServer();
        using var services = builder.Services.BuildServiceProvider();

        var users = services.GetRequiredService<IOptions<CommCareServerOptions>>().Value.Users;

        var user = Assert.Single(users);
        Assert.Equal(CommCareServerOptions.DefaultUser.Username, user.Username);
        Assert.Equal(CommCareServerOptions.DefaultUser.ApiKey, user.ApiKey);
    }

    [Theory]
    [InlineData("Host=own", "Host=viaduct", "Host=own")]
    [InlineData("", "Host=viaduct", "Host=viaduct")]
    [InlineData(null, null, null)]
    public void The_database_is_commcare_s_own_connection_string_else_viaduct_s(string? own, string? viaduct, string? expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:CommCare"] = own,
            ["ConnectionStrings:Viaduct"] = viaduct,
        }).Build();

        Assert.Equal(expected, Storage.CaseDatabase.ConnectionString(configuration));
    }
}
