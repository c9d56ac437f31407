using System.Text;
using Viaduct.Shared.Eclrs;

namespace Viaduct.Engines.E1.Extractor.Tests.Support;

/// <summary>Builds small ECLRS files for tests: fictitious rows that differ by accession number.</summary>
public static class EclrsText
{
    public static string Header(EclrsVersion version) => string.Join('|', EclrsColumns.For(version));

    public static string Row(
        EclrsVersion version, string accession, string county = "36001", string lastName = "TESTPERSON",
        string firstName = "ALEXANDRA", string dob = "01MAR1947:00:00:00.000000", string collected = "18MAR2020:10:30:00.000000")
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PIDLASTNAME"] = lastName,
            ["PIDFIRSTNAME"] = firstName,
            ["PIDDATEOFBIRTH"] = dob,
            ["PIDSEXCODE"] = "F",
            ["PIDADDRESSLINE1"] = "12 UNIQUESTREET RD",
            ["PIDCITY"] = "ALBANY",
            ["PIDZIPCODE"] = "12207",
            ["PIDCOUNTYCODE"] = county,
            ["PIDHOMEPHONE"] = "5550001111",
            ["MSHLABPFI"] = "3130",
            ["MSHSENDINGFACILITYNAME"] = "\"ACME | LABS\"",
            ["PIDPATIENTKEY"] = "PK" + accession,
            ["ZLRFACILITYNAME"] = "NEW YORK STATE",
            ["OBRPROVIDERFIRSTNAME"] = "Sally",
            ["OBRPROVIDERLASTNAME"] = "Testuser",
            ["OBRCOLLECTIONDATE"] = collected,
            ["OBXLOINCCODE"] = "94309-2",
            ["OBXLOINCDESC"] = "2019-nCoV RNA XXX NAA+probe-Imp",
            ["OBXOBSERVATIONRESULTTEXT"] = "Positive for 2019-nCoV",
            ["OBRACCESSIONNUM"] = accession,
            ["OBRSPECIMENSOURCENAME"] = "NASOPHARYNX",
            ["RESULTPOSITIVE"] = "POSITIVE",
        };
        return string.Join('|', EclrsColumns.For(version).Select(c => values.GetValueOrDefault(c, "")));
    }

    public static string File(EclrsVersion version, params string[] rows)
    {
        var text = new StringBuilder(Header(version)).Append('\n');
        foreach (var row in rows)
        {
            text.Append(row).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A v3 file of <paramref name="count"/> rows whose accession numbers start at <paramref name="first"/>.</summary>
    public static string Rows(string tag, int first, int count, string county = "36001") =>
        File(EclrsVersion.V3, Enumerable.Range(first, count).Select(i => Row(EclrsVersion.V3, $"{tag}-{i:D6}", county)).ToArray());
}
