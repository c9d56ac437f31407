namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>One string per county code for a whole file: a file names a few dozen codes, hundreds of thousands of times.</summary>
internal sealed class CountyCodes
{
    private readonly Dictionary<string, string> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CountyCodes() => _lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Of(ReadOnlySpan<char> code)
    {
        if (!_lookup.TryGetValue(code, out var known))
        {
            known = code.ToString();
            _codes[known] = known;
        }

        return known;
    }
}
