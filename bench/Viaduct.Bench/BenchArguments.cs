using System.Globalization;

namespace Viaduct.Bench;

/// <summary><c>--name value</c> options after a command word; every option is checked against the command's list.</summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private BenchArguments()
    {
    }

    /// <summary>Parses <paramref name="args"/>; options in <paramref name="flags"/> take no value.</summary>
    /// <exception cref="UsageException">An unknown option, a missing value or a stray word.</exception>
    public static BenchArguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags)
    {
        var parsed = new BenchArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name;
            string? inline = null;
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[2..equals];
                inline = arg[(equals + 1)..];
            }
            else
            {
                name = arg[2..];
            }

            if (flags.Contains(name))
            {
                parsed._flags.Add(name);
                continue;
            }

            if (!options.Contains(name))
            {
                throw new UsageException($"unknown option '--{name}'");
            }

            if (inline is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"option '--{name}' needs a value");
                }

                inline = args[++i];
            }

            parsed._values[name] = inline;
        }

        return parsed;
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string? String(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int fallback, int min, int max)
    {
        if (!_values.TryGetValue(name, out var raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
        {
            throw new UsageException($"--{name} must be an integer from {min} to {max}, not '{raw}'");
        }

        return value;
    }

    public long Long(string name, long fallback, long min, long max)
    {
        if (!_values.TryGetValue(name, out var raw))
        {
            return fallback;
        }

        if (!long.TryParse(raw.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
        {
            throw new UsageException($"--{name} must be an integer from {min} to {max}, not '{raw}'");
        }

        return value;
    }

    public double Double(string name, double fallback, double min, double max)
    {
        if (!_values.TryGetValue(name, out var raw))
        {
            return fallback;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            throw new UsageException($"--{name} must be a number from {min} to {max}, not '{raw}'");
        }

        return value;
    }
}

internal sealed class UsageException(string message) : Exception(message);
