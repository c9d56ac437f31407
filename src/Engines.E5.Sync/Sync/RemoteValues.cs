namespace Viaduct.Engines.E5.Sync.Sync;

/// <summary>What a remote case changes in our copy: CommCare's non-blank values win; blanks never erase ours.</summary>
public static class RemoteValues
{
    /// <summary>Transfer properties: they go to the case's transfer fields, never into its properties (E4 would post them elsewhere).</summary>
    public const string TransferDestination = "transfer_destination_county_id";

    public const string TransferSource = "transfer_source_case_id";

    /// <summary>The properties whose remote value is non-blank and differs from ours, with the remote value.</summary>
    public static Dictionary<string, string> Changed(IReadOnlyDictionary<string, string> local, IReadOnlyDictionary<string, string> remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in remote)
        {
            if (string.IsNullOrWhiteSpace(value) || IsTransferProperty(name))
            {
                continue;
            }

            if (!local.TryGetValue(name, out var ours) || !string.Equals(ours, value, StringComparison.Ordinal))
            {
                changed[name] = value;
            }
        }

        return changed;
    }

    /// <summary>The remote properties to store in a case created from CommCare: non-blank, no transfer properties.</summary>
    public static Dictionary<string, string> ForNewCase(IReadOnlyDictionary<string, string> remote) =>
        remote.Where(p => !string.IsNullOrWhiteSpace(p.Value) && !IsTransferProperty(p.Key))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public static bool IsTransferProperty(string name) =>
        string.Equals(name, TransferDestination, StringComparison.Ordinal) || string.Equals(name, TransferSource, StringComparison.Ordinal);

    /// <summary>A non-blank property value, trimmed; null otherwise.</summary>
    public static string? Value(IReadOnlyDictionary<string, string> properties, string name) =>
        properties.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
