using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Viaduct.Engines.E4.Loader.CommCare;
using Viaduct.Engines.E4.Loader.Posting;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Hosting;
using Viaduct.Shared.Data.Jobs;

namespace Viaduct.Engines.E4.Loader;

public static class E4LoaderHostExtensions
{
    public const string EngineName = EngineNames.Loader;

    /// <summary>Everything E4 needs: defaults, options, the CommCare client, the posting job and this host's Hangfire server.</summary>
    public static IHostApplicationBuilder AddE4Loader(this IHostApplicationBuilder builder, Action<Serilog.LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductEngine(EngineName, configureLogging);

        builder.Services.AddValidatedOptions<E4Options>(E4Options.Section, o => o.Problems());

        var connectionString = builder.Configuration.GetConnectionString(ViaductDataServiceCollectionExtensions.ConnectionStringName) ?? "";
        var settings = builder.Configuration.GetSection(E4Options.Section).Get<E4Options>() ?? new E4Options();
        builder.Services.AddSingleton<JobStorage>(_ => ViaductHangfire.Storage(connectionString, settings.QueuePollInterval, settings.InvisibilityTimeout));

        builder.Services.AddCommCareClient(builder.Configuration);
        builder.Services.AddSingleton<CaseRouter>();
        builder.Services.AddScoped<ICasePostingJob, CasePostingJob>();
        builder.Services.AddHostedService<PostingServer>();
        return builder;
    }
}
