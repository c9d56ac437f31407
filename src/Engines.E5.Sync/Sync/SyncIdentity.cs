using System.Globalization;
using Viaduct.Shared.Data.People;

namespace Viaduct.Engines.E5.Sync.Sync;

/// <summary>
/// What E5 reads from CommCare's cases about who they belong to: our external ids, dates of birth, and its own domain
/// lock. The identity rules and the person locks themselves are Shared.Data's <c>PersonIdentity</c>, the same as E2's.
/// </summary>
public static class SyncIdentity
{
    /// <summary>The session lock one E5 host holds on a domain while it pulls it.</summary>
    public static long DomainLock(string domain) => PersonIdentity.LockId("e5-domain:" + domain);

    /// <summary>A CommCare <c>dob</c> (<c>yyyy-MM-dd</c>), or null.</summary>
    public static DateOnly? ParseDateOfBirth(string? dob) =>
        DateOnly.TryParseExact(dob?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    /// <summary>The person id of one of our patient external ids (<c>P&lt;id&gt;</c>), or null.</summary>
    public static long? PersonIdOf(string? externalId) =>
        externalId is ['P', .. var digits] && digits.Length > 0 && digits.All(char.IsAsciiDigit)
        && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    /// <summary>The patient key inside one of our lab result external ids (<c>P&lt;id&gt;#&lt;key&gt;#&lt;accession&gt;</c>), or null.</summary>
    public static string? PatientKeyOf(string? labExternalId)
    {
        if (labExternalId is null)
        {
            return null;
        }

        var parts = labExternalId.Split('#');
        return parts.Length == 3 && PersonIdOf(parts[0]) is not null && !string.IsNullOrWhiteSpace(parts[1]) ? parts[1].Trim() : null;
    }

    /// <summary>The accession number inside one of our lab result external ids, or null.</summary>
    public static string? AccessionOf(string? labExternalId)
    {
        var parts = labExternalId?.Split('#');
        return parts is { Length: 3 } && !string.IsNullOrWhiteSpace(parts[2]) ? parts[2].Trim() : null;
    }
}
