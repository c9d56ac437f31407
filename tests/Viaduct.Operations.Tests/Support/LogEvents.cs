using System.Collections.Concurrent;
using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Viaduct.Operations.Tests.Support;

/// <summary>
/// Keeps every event a host logs (at every level) as Serilog's <see cref="LogEvent"/>, so a test can read its properties
/// one by one and its exception whole, not only one formatter's rendering of them.
/// </summary>
public sealed class LogEvents : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyCollection<LogEvent> All => _events;

    public void Configure(LoggerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.MinimumLevel.Verbose().WriteTo.Sink(this);
    }

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>The events carrying property <paramref name="name"/>.</summary>
    public IEnumerable<LogEvent> With(string name) => _events.Where(e => e.Properties.ContainsKey(name));

    /// <summary>A property's value as text (a string without the quotes Serilog renders around it), or null.</summary>
    public static string? Property(LogEvent logEvent, string name)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        return logEvent.Properties.TryGetValue(name, out var value) ? string.Join(' ', Texts(value)) : null;
    }

    /// <summary>
    /// Everything of <paramref name="logEvent"/> a log store would keep: the rendered message, the template, each property's
    /// name and value (nested values one by one) and the exception with its inner exceptions and stack.
    /// </summary>
    public static IEnumerable<string> Texts(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        yield return logEvent.RenderMessage(CultureInfo.InvariantCulture);
        yield return logEvent.MessageTemplate.Text;
        foreach (var (name, value) in logEvent.Properties)
        {
            yield return name;
            foreach (var text in Texts(value))
            {
                yield return text;
            }
        }

        if (logEvent.Exception is not null)
        {
            yield return logEvent.Exception.ToString();
        }
    }

    /// <summary>The scalar values of a property, however deep, as text; and their typed values for dates.</summary>
    public static IEnumerable<object> Scalars(LogEventPropertyValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value)
        {
            case ScalarValue scalar:
                if (scalar.Value is not null)
                {
                    yield return scalar.Value;
                }

                break;
            case SequenceValue sequence:
                foreach (var scalar in sequence.Elements.SelectMany(Scalars))
                {
                    yield return scalar;
                }

                break;
            case StructureValue structure:
                if (structure.TypeTag is not null)
                {
                    yield return structure.TypeTag;
                }

                foreach (var scalar in structure.Properties.SelectMany(p => Scalars(p.Value).Prepend(p.Name)))
                {
                    yield return scalar;
                }

                break;
            case DictionaryValue dictionary:
                foreach (var (key, item) in dictionary.Elements)
                {
                    foreach (var scalar in Scalars(key).Concat(Scalars(item)))
                    {
                        yield return scalar;
                    }
                }

                break;
            default:
                yield return value.ToString();
                break;
        }
    }

    private static IEnumerable<string> Texts(LogEventPropertyValue value) =>
        Scalars(value).Select(s => s as string ?? Convert.ToString(s, CultureInfo.InvariantCulture) ?? "");
}
