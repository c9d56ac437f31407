using System.ComponentModel.DataAnnotations;

namespace Viaduct.Engines.E5.Sync;

/// <summary>E5's settings (section <c>E5</c>; environment <c>E5__PollInterval</c> and so on).</summary>
public sealed class E5Options
{
    public const string Section = "E5";

    /// <summary>How often each participating domain is pulled (from the end of its last pull).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How far before its stored cursor each pull of a domain starts. Zero fits a server that lists every change as soon
    /// as it is stamped. CommCare HQ lists cases from a search index that can lag behind, and a change stamped before
    /// the cursor but listed only later would be missed: set this to the longest lag. The window is read again on
    /// every pull, which changes nothing already applied.
    /// </summary>
    public TimeSpan CursorOverlap { get; set; } = TimeSpan.Zero;

    /// <summary>Cases asked for per page of the changes list (CommCare HQ allows up to 5,000). Each page is applied in one transaction.</summary>
    [Range(1, 5_000)]
    public int PageSize { get; set; } = 1_000;

    /// <summary>Domains one host pulls at once (each in its own loop).</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 4;

    /// <summary>How often a loop looks for a due domain when none was due (new participating counties are added then too).</summary>
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Run the sync loops. Tests turn them off and drive pulls themselves.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>The longest pause of one domain after its pulls failed repeatedly (the domain's own back-off; others go on).</summary>
    public TimeSpan MaxDomainBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest pause of a loop after repeated failures of its own (the database, say).</summary>
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<string> Problems()
    {
        if (PollInterval <= TimeSpan.Zero)
        {
            yield return $"E5:PollInterval must be positive (was {PollInterval})";
        }

        if (CursorOverlap < TimeSpan.Zero || CursorOverlap > TimeSpan.FromDays(1))
        {
            yield return $"E5:CursorOverlap must be between 00:00:00 and 1.00:00:00 (was {CursorOverlap})";
        }

        if (ClaimInterval <= TimeSpan.Zero)
        {
            yield return $"E5:ClaimInterval must be positive (was {ClaimInterval})";
        }

        if (MaxDomainBackoff < TimeSpan.FromSeconds(1))
        {
            yield return $"E5:MaxDomainBackoff must be at least one second (was {MaxDomainBackoff})";
        }

        if (MaxErrorBackoff < TimeSpan.FromSeconds(1))
        {
            yield return $"E5:MaxErrorBackoff must be at least one second (was {MaxErrorBackoff})";
        }
    }
}
