using Amazon.S3;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E1.Extractor.Aws;
using Viaduct.Engines.E1.Extractor.Events;
using Viaduct.Engines.E1.Extractor.Health;
using Viaduct.Engines.E1.Extractor.Import;
using Viaduct.Engines.E1.Extractor.Sweep;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.Operations;
using Viaduct.Shared.Hosting;

namespace Viaduct.Engines.E1.Extractor;

public static class E1ExtractorHostExtensions
{
    public const string EngineName = EngineNames.Extractor;

    /// <summary>Everything E1 needs: defaults, options, S3/SQS clients, the importer, the listener and the sweep.</summary>
    public static IHostApplicationBuilder AddE1Extractor(this IHostApplicationBuilder builder, Action<Serilog.LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductEngine(EngineName, configureLogging);

        builder.Services.AddValidatedOptions<E1Options>(E1Options.Section, o => o.Problems());

        var aws = builder.Configuration.GetSection(AwsOptions.Section).Get<AwsOptions>() ?? new AwsOptions();
        builder.Services.AddSingleton(_ => AwsClientFactory.CreateS3(aws));
        builder.Services.AddSingleton(_ => AwsClientFactory.CreateSqs(aws));

        builder.Services.AddSingleton<FileRegistry>();
        builder.Services.AddSingleton<FileImporter>();
        builder.Services.AddSingleton<DedupMemoryVacuum>();
        builder.Services.AddSingleton<S3EventListener>();
        builder.Services.AddSingleton<InboxSweeper>();
        builder.Services.AddSingleton<LastSeenCompactor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<S3EventListener>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InboxSweeper>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LastSeenCompactor>());
        builder.AddFileReplay();
        builder.Services.AddHealthChecks()
            .AddCheck<S3InboxHealthCheck>("s3", tags: [ViaductOperations.ReadyTag], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<SqsQueueHealthCheck>("sqs", tags: [ViaductOperations.ReadyTag], timeout: TimeSpan.FromSeconds(5));
        return builder;
    }
}
