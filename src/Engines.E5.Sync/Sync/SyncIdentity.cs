using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Viaduct.Engines.E5.Sync.Sync;

/// <summary>
/// The person identity rules of DESIGN.md section 4, written again here because no engine references another: they
/// must give exactly what E2's <c>PersonIdentity</c> gives (the same identity key, the same advisory lock numbers), so
/// E5 and E2 serialise on the same locks and never make two people for one identity. A test compares the two.
/// </summary>
public static class SyncIdentity
{
    /// <summary><c>yyyy-MM-dd|&lt;length of first&gt;|FIRST|LAST</c>; null when date of birth or a name is missing.</summary>
    public static string? Key(DateOnly? dateOfBirth, string? lastName, string? firstName)
    {
        var last = string.IsNullOrWhiteSpace(lastName)
            ? null
            : string.Join(' ', lastName.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        var first = string.IsNullOrWhiteSpace(firstName)
            ? null
            : firstName.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0].ToUpperInvariant();
        if (dateOfBirth is not { } dob || last is null || first is null)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{dob:yyyy-MM-dd}|{first.Length}|{first}|{last}");
    }

    /// <summary>The advisory lock E2 takes for a patient key.</summary>
    public static long PatientKeyLock(string patientKey) => LockId("key:" + patientKey);

    /// <summary>The advisory lock E2 takes for an identity key.</summary>
    public static long IdentityLock(string identityKey) => LockId("identity:" + identityKey);

    /// <summary>The session lock one E5 host holds on a domain while it pulls it.</summary>
    public static long DomainLock(string domain) => LockId("e5-domain:" + domain);

    /// <summary>The first 8 bytes (big-endian) of the SHA-256 of <paramref name="text"/>, as E2 computes it.</summary>
    public static long LockId(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

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
