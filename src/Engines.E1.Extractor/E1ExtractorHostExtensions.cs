using Amazon.S3;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Viaduct.Engines.E1.Extractor.Aws;
using Viaduct.Engines.E1.Extractor.Events;
using Viaduct.Engines.E1.Extractor.Import;
using Viaduct.Engines.E1.Extractor.Sweep;
using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Engines.E1.Extractor;

public static class E1ExtractorHostExtensions
{
    public const string EngineName = "e1-extractor";

    /// <summary>Everything E1 needs: defaults, options, S3/SQS clients, the importer, the listener and the sweep.</summary>
    public static IHostApplicationBuilder AddE1Extractor(this IHostApplicationBuilder builder, Action<Serilog.LoggerConfiguration>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddViaductDefaults(EngineName, configureLogging);

        builder.Services.AddOptions<E1Options>()
            .BindConfiguration(E1Options.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<E1Options>, E1OptionsValidator>();

        var aws = builder.Configuration.GetSection(AwsOptions.Section).Get<AwsOptions>() ?? new AwsOptions();
        builder.Services.AddSingleton(_ => AwsClientFactory.CreateS3(aws));
        builder.Services.AddSingleton(_ => AwsClientFactory.CreateSqs(aws));

        builder.Services.AddSingleton<FileRegistry>();
        builder.Services.AddSingleton<FileImporter>();
        builder.Services.AddSingleton<S3EventListener>();
        builder.Services.AddSingleton<InboxSweeper>();
        builder.Services.AddSingleton<LastSeenCompactor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<S3EventListener>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InboxSweeper>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LastSeenCompactor>());
        return builder;
    }

    private sealed class E1OptionsValidator : IValidateOptions<E1Options>
    {
        public ValidateOptionsResult Validate(string? name, E1Options options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
