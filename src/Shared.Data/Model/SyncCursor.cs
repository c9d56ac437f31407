namespace Viaduct.Shared.Data.Model;

/// <summary>
/// Where E5 stands in one CommCare domain's change list (<c>sync_cursors</c>): the next pull asks for cases with
/// <c>server_last_modified</c> at or after <see cref="Cursor"/>. The row also says when the domain is next due, who
/// last took it, and how its last pulls went, so one failing domain backs off on its own.
/// </summary>
public sealed class SyncCursor
{
    /// <summary>The CommCare project space.</summary>
    public required string Domain { get; set; }

    /// <summary>The next pull starts here (null: from the beginning). Advanced only in the transaction that applied the page.</summary>
    public DateTime? Cursor { get; set; }

    /// <summary>The domain is claimed again once the database clock passes this.</summary>
    public DateTime NextSyncAt { get; set; }

    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedAt { get; set; }

    /// <summary>When a pull last reached the end of the list.</summary>
    public DateTime? LastSyncedAt { get; set; }

    /// <summary>Pulls failed in a row (0 after a pull that reached the end).</summary>
    public int Failures { get; set; }

    /// <summary>Why the last pull failed (error kind and status; never case values).</summary>
    public string? LastError { get; set; }

    public DateTime? LastFailedAt { get; set; }

    /// <summary>Remote cases applied from this domain since the row was made.</summary>
    public long CasesSynced { get; set; }

    public DateTime CreatedAt { get; set; }
}
