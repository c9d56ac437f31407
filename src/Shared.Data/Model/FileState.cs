namespace Viaduct.Shared.Data.Model;

/// <summary>The states of a received object, stored as lower-case text in <c>files.state</c>.</summary>
public static class FileState
{
    /// <summary>Registered from an event or a sweep; nobody has started on it.</summary>
    public const string Received = "received";

    /// <summary>An extractor has started; the row lock of its import transaction is the real claim.</summary>
    public const string Processing = "processing";

    /// <summary>All rows are committed: new ones in test_results, seen ones in abouts, bad ones in bad_rows.</summary>
    public const string Processed = "processed";

    /// <summary>Same content as an already processed file: recorded, adds no rows.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Unusable (bad header) or given up on after repeated errors; <c>error</c> says why.</summary>
    public const string Failed = "failed";

    /// <summary>States in which an extractor may (re)take the file.</summary>
    public static readonly string[] Claimable = [Received, Processing, Failed];
}
