namespace Viaduct.Shared.Data.Model;

/// <summary>
/// What E5 changed in a local index case from CommCare (<c>sync_changes</c>, append-only): the property names taken
/// over (never their values), or that the case was created or marked transferred from CommCare.
/// </summary>
public sealed class SyncChange
{
    public long Id { get; set; }
    public long IndexCaseId { get; set; }
    public required string Domain { get; set; }

    /// <summary>CommCare's case id of the remote case the change came from.</summary>
    public required string RemoteCaseId { get; set; }

    /// <summary><c>updated</c>, <c>created</c> or <c>transferred</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>The names of the properties (or transfer fields) that changed.</summary>
    public string[] Fields { get; set; } = [];

    /// <summary>The remote case's <c>server_last_modified</c>.</summary>
    public DateTime ServerLastModified { get; set; }

    public required string Engine { get; set; }
    public required string Host { get; set; }
    public DateTime SyncedAt { get; set; }
}
