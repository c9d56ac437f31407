using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Viaduct.Shared.Data.People;

/// <summary>
/// The identity two results must share to be one person when their patient keys differ: date of birth, the
/// upper-cased last name and the upper-cased first token of the first name ("Mary Ann" is "MARY"). Also the lock
/// protocol of every writer of people (E2, E5): an advisory transaction lock on each patient key and identity, taken in
/// ascending order before people are read, so two writers never make two people for one key or identity.
/// </summary>
public static class PersonIdentity
{
    /// <summary>
    /// A stable key for the identity, usable in a unique index or hashed for an advisory lock; null when the date
    /// of birth, the last name or the first name is missing. Names are trimmed, inner runs of white space become
    /// one space, and letters are upper-cased (invariant culture). The form is
    /// <c>yyyy-MM-dd|&lt;length of first&gt;|FIRST|LAST</c>, so no pair of names can give the same key.
    /// </summary>
    public static string? Key(DateOnly? dateOfBirth, string? lastName, string? firstName)
    {
        var last = NormalizeLastName(lastName);
        var first = NormalizeFirstName(firstName);
        if (dateOfBirth is not { } dob || last is null || first is null)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{dob:yyyy-MM-dd}|{first.Length}|{first}|{last}");
    }

    /// <summary>The advisory lock for a (trimmed) patient key.</summary>
    public static long PatientKeyLock(string patientKey) => LockId("key:" + patientKey);

    /// <summary>The advisory lock for an identity key (<see cref="Key"/>).</summary>
    public static long IdentityLock(string identityKey) => LockId("identity:" + identityKey);

    /// <summary>A 64-bit number for <c>pg_advisory_xact_lock(bigint)</c>: the first 8 bytes of the key's SHA-256.</summary>
    public static long LockId(string identityKey)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(identityKey), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>The last name trimmed, inner white space collapsed, upper-cased; null when blank.</summary>
    public static string? NormalizeLastName(string? lastName)
    {
        if (string.IsNullOrWhiteSpace(lastName))
        {
            return null;
        }

        return string.Join(' ', lastName.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
    }

    /// <summary>The first white-space-separated token of the first name, upper-cased; null when blank.</summary>
    public static string? NormalizeFirstName(string? firstName)
    {
        if (string.IsNullOrWhiteSpace(firstName))
        {
            return null;
        }

        return firstName.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0].ToUpperInvariant();
    }

    /// <summary>The patient key trimmed; null when blank. Keys are compared ordinally (case matters).</summary>
    public static string? NormalizePatientKey(string? patientKey) =>
        string.IsNullOrWhiteSpace(patientKey) ? null : patientKey.Trim();
}
