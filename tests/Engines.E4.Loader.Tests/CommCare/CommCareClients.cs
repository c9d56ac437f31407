using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Viaduct.Engines.E4.Loader.CommCare;
using Viaduct.Testing;

namespace Viaduct.Engines.E4.Loader.Tests.CommCare;

/// <summary>
/// A container with the client registered as E4 registers it (AddCommCareClient), pointed at a test server, with short
/// retry delays. Each container has its own circuit breaker.
/// </summary>
public sealed class CommCareClients : IDisposable
{
    private readonly ServiceProvider _provider;

    public CommCareClients(CommCareServer server, IDictionary<string, string?>? settings = null)
        : this(server.ClientSettings(), settings)
    {
    }

    public CommCareClients(IReadOnlyDictionary<string, string?> connection, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(connection)
        {
            ["CommCare:RetryDelay"] = "00:00:00.010",
            ["CommCare:AttemptTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddCommCareClient(configuration);
        _provider = services.BuildServiceProvider();
        Client = _provider.GetRequiredService<ICommCareClient>();
    }

    public ICommCareClient Client { get; }

    /// <summary>Every log line the container's loggers wrote (the client's, the HttpClient factory's, Polly's).</summary>
    public LineLogs Logs { get; } = new();

    public ICommCareClient NewClient() => _provider.GetRequiredService<ICommCareClient>();

    public void Dispose() => _provider.Dispose();
}

/// <summary>Keeps every message with its category and any exception's message.</summary>
public sealed class LineLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string AllText => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{properties}] {exception}");
        }
    }
}
