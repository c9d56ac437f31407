namespace Viaduct.Shared.Data.Model;

/// <summary>
/// One running engine process as it last reported itself (<c>engine_hosts</c>): how much it has done, how fast, and
/// its latest error. Written by each host every few seconds, read by the operator page and <c>viaduct status</c>, so
/// they see every replica without reaching any of them over the network.
/// </summary>
public sealed class EngineHost
{
    public required string Engine { get; set; }
    /// <summary><see cref="Hosting.EngineIdentity.Host"/>: machine and process id.</summary>
    public required string Host { get; set; }
    public DateTime StartedAt { get; set; }
    /// <summary>The last report; a host silent for a few intervals is gone.</summary>
    public DateTime SeenAt { get; set; }
    public long ItemsProcessed { get; set; }
    public long Failures { get; set; }
    /// <summary>Items over the last minute (or since start, if that is shorter), per minute.</summary>
    public double ItemsPerMinute { get; set; }
    /// <summary>The latest error: exception type and message, never patient data.</summary>
    public string? LastError { get; set; }
    public DateTime? LastErrorAt { get; set; }
}
