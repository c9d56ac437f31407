using System.Globalization;
using Microsoft.Extensions.Options;

namespace Viaduct.CommCare.Faults;

/// <summary>What the injector decided for one API request.</summary>
internal readonly record struct FaultDecision(TimeSpan Latency, int? StatusCode, TimeSpan RetryAfter, bool FailAfterApply)
{
    public static FaultDecision None { get; } = new(TimeSpan.Zero, null, TimeSpan.Zero, false);
}

/// <summary>
/// One entry of a fault script: answer <see cref="StatusCode"/> (429, 500, 502, 503 or 504) without doing the request,
/// or, with <see cref="AfterApply"/>, do the request and then answer 500.
/// </summary>
internal readonly record struct ScriptedFault(int StatusCode, bool AfterApply)
{
    public const string AfterApplyName = "after_apply";

    public override string ToString() => AfterApply ? AfterApplyName : StatusCode.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The faults in force, changed at run time by the control endpoint. Per API request, after authentication: a delay,
/// then the next entry of the script if there is one, else random draws (seeded when <see cref="FaultOptions.Seed"/>
/// is set, so that the same sequence of requests sees the same faults). State is per server process: each replica
/// of the server has its own.
/// </summary>
internal sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly FaultOptions _configured;
    private readonly Queue<ScriptedFault> _script = new();
    private FaultOptions _current;
    private Random _random;

    public FaultInjector(IOptions<CommCareServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _configured = Copy(options.Value.Faults);
        _current = Copy(_configured);
        _random = NewRandom(_current.Seed);
    }

    /// <summary>The settings in force (a copy) and the script entries not used yet.</summary>
    public (FaultOptions Settings, IReadOnlyList<ScriptedFault> Script) Snapshot()
    {
        lock (_gate)
        {
            return (Copy(_current), _script.ToList());
        }
    }

    /// <summary>Puts new settings in force; a new seed (or a change of seed) restarts the random sequence.</summary>
    /// <param name="script">Replaces the script when not null.</param>
    public void Change(FaultOptions settings, IEnumerable<ScriptedFault>? script)
    {
        ArgumentNullException.ThrowIfNull(settings);
        lock (_gate)
        {
            _current = Copy(settings);
            _random = NewRandom(_current.Seed);
            if (script is not null)
            {
                _script.Clear();
                foreach (var entry in script)
                {
                    _script.Enqueue(entry);
                }
            }
        }
    }

    /// <summary>Back to the configured settings, with no script.</summary>
    public void Reset() => Change(_configured, []);

    public FaultDecision Decide(string method)
    {
        lock (_gate)
        {
            var settings = _current;
            if (settings.Methods.Count > 0 && !settings.Methods.Any(m => string.Equals(m, method, StringComparison.OrdinalIgnoreCase)))
            {
                return FaultDecision.None;
            }

            if (_script.TryDequeue(out var scripted))
            {
                return scripted.AfterApply
                    ? new FaultDecision(settings.Latency, null, TimeSpan.Zero, true)
                    : new FaultDecision(settings.Latency, scripted.StatusCode, settings.RetryAfter, false);
            }

            var draw = settings.FailureRate > 0 || settings.ThrottleRate > 0 ? _random.NextDouble() : 1.0;
            if (draw < settings.FailureRate)
            {
                var codes = settings.FailureStatusCodes.Count > 0 ? settings.FailureStatusCodes : [.. FaultOptions.DefaultFailureStatusCodes];
                return new FaultDecision(settings.Latency, codes[_random.Next(codes.Count)], TimeSpan.Zero, false);
            }

            if (draw < settings.FailureRate + settings.ThrottleRate)
            {
                return new FaultDecision(settings.Latency, StatusCodes.Status429TooManyRequests, settings.RetryAfter, false);
            }

            var failAfterApply = settings.FailAfterApplyRate > 0 && _random.NextDouble() < settings.FailAfterApplyRate;
            return new FaultDecision(settings.Latency, null, TimeSpan.Zero, failAfterApply);
        }
    }

    internal static FaultOptions Copy(FaultOptions source) => new()
    {
        FailureRate = source.FailureRate,
        FailureStatusCodes = [.. source.FailureStatusCodes],
        ThrottleRate = source.ThrottleRate,
        RetryAfter = source.RetryAfter,
        FailAfterApplyRate = source.FailAfterApplyRate,
        Latency = source.Latency,
        Methods = [.. source.Methods],
        Seed = source.Seed,
    };

#pragma warning disable CA5394 // Fault draws are not security decisions.
    private static Random NewRandom(int? seed) => seed is { } value ? new Random(value) : new Random();
#pragma warning restore CA5394
}
