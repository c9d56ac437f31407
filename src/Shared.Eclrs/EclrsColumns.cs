using System.Collections.ObjectModel;

namespace Viaduct.Shared.Eclrs;

/// <summary>
/// Column names of the three ECLRS headers, and the canonical (v3) positions every row is read through,
/// so that code written against v3 positions works unchanged for v1 and v2 files.
/// </summary>
public static class EclrsColumns
{
    public const int LastName = 0;
    public const int MiddleName = 1;
    public const int FirstName = 2;
    public const int DateOfBirth = 3;
    public const int SexCode = 4;
    public const int AddressLine1 = 5;
    public const int AddressLine2 = 6;
    public const int City = 7;
    public const int ZipCode = 8;
    public const int CountyCode = 9;
    public const int HomePhone = 10;
    public const int LabPfi = 11;
    public const int SendingFacilityClia = 12;
    public const int SendingFacilityName = 13;
    public const int PatientKey = 14;
    public const int FacilityAddressLine1 = 15;
    public const int FacilityAddressLine2 = 16;
    public const int FacilityCity = 17;
    public const int FacilityCode = 18;
    public const int FacilityName = 19;
    public const int FacilityPhone = 20;
    public const int ProviderAddressLine1 = 21;
    public const int ProviderCity = 22;
    public const int ProviderId = 23;
    public const int ProviderFirstName = 24;
    public const int ProviderLastName = 25;
    public const int CollectionDate = 26;
    public const int CreateDate = 27;
    public const int LocalTestCode = 28;
    public const int LocalTestDesc = 29;
    public const int LoincCode = 30;
    public const int LoincDesc = 31;
    public const int ObservationDate = 32;
    public const int ResultText = 33;
    public const int ResultTextShort = 34;
    public const int ResultStatusCode = 35;
    public const int ProducerLabName = 36;
    public const int SnomedCode = 37;
    public const int SnomedDesc = 38;
    public const int AccessionNumber = 39;
    public const int AnalysisDate = 40;
    public const int SpecimenSourceName = 41;
    public const int MessageMasterKey = 42;
    public const int PatientUpdateDate = 43;

    // Added in v2.
    public const int EmployerName = 44;
    public const int EmployerAddress = 45;
    public const int EmployerPhone = 46;
    public const int EmployerPhoneAlt = 47;
    public const int EmployeeNumber = 48;
    public const int EmployeeJobTitle = 49;
    public const int SchoolName = 50;
    public const int SchoolDistrict = 51;
    public const int SchoolCode = 52;
    public const int SchoolJobClass = 53;
    public const int SchoolPresent = 54;

    // Added in v3.
    public const int FirstTestYn = 55;
    public const int AoeDate = 56;
    public const int HealthEmployedYn = 57;
    public const int CovidSymptomaticYn = 58;
    public const int CovidDateOfOnset = 59;
    public const int HospitalizedYn = 60;
    public const int IcuYn = 61;
    public const int CongregateCareYn = 62;
    public const int PregnancyInd = 63;

    public const int ResultPositive = 64;

    /// <summary>Number of canonical (v3) columns.</summary>
    public const int CanonicalCount = 65;

    private const int V1Count = 45;
    private const int V2Count = 56;

    private static readonly string[] CanonicalNames =
    [
        "PIDLASTNAME", "PIDMIDDLENAME", "PIDFIRSTNAME", "PIDDATEOFBIRTH", "PIDSEXCODE", "PIDADDRESSLINE1",
        "PIDADDRESSLINE2", "PIDCITY", "PIDZIPCODE", "PIDCOUNTYCODE", "PIDHOMEPHONE", "MSHLABPFI",
        "MSHSENDINGFACILITYCLIA", "MSHSENDINGFACILITYNAME", "PIDPATIENTKEY", "ZLRFACILITYADDRESSLINE1",
        "ZLRFACILITYADDRESSLINE2", "ZLRFACILITYCITY", "ZLRFACILITYCODE", "ZLRFACILITYNAME", "ZLRFACILITYPHONE",
        "ZLRPROVIDERADDRESSLINE1", "ZLRPROVIDERCITY", "OBRPROVIDERID", "OBRPROVIDERFIRSTNAME",
        "OBRPROVIDERLASTNAME", "OBRCOLLECTIONDATE", "OBRCREATEDATE", "OBXLOCALTESTCODE", "OBXLOCALTESTDESC",
        "OBXLOINCCODE", "OBXLOINCDESC", "OBXOBSERVATIONDATE", "OBXOBSERVATIONRESULTTEXT",
        "OBXOBSERVATIONRESULTTEXTSHORT", "OBXRESULTSTATUSCODE", "OBXPRODUCERLABNAME", "OBXSNOMEDCODE",
        "OBXSNOMEDDESC", "OBRACCESSIONNUM", "OBXANALYSISDATE", "OBRSPECIMENSOURCENAME", "MSHMESSAGEMASTERKEY",
        "PIDUPDATEDATE",
        "PIDEMPLOYERNAME", "PIDEMPLOYERADDRESS", "PIDEMPLOYERPHONE", "PIDEMPLOYERPHONEALT", "PIDEMPLOYEENUMBER",
        "PIDEMPLOYEEJOBTITLE", "PIDSCHOOLNAME", "PIDSCHOOLDISTRICT", "PIDSCHOOLCODE", "PIDSCHOOLJOBCLASS",
        "PIDSCHOOLPRESENT",
        "PIDFIRSTTESTYN", "PIDAOEDATE", "PIDHEALTHEMPLOYEDYN", "PIDCOVIDSYMPTOMATICYN", "PIDCOVIDDATEOFONSET",
        "PIDHOSPITALIZEDYN", "PIDICUYN", "PIDCONGREGATECAREYN", "PIDPREGNANCYIND",
        "RESULTPOSITIVE",
    ];

    private static readonly ReadOnlyCollection<string> V1 = Layout(V1Count);
    private static readonly ReadOnlyCollection<string> V2 = Layout(V2Count);
    private static readonly ReadOnlyCollection<string> V3 = Layout(CanonicalCount);

    private static readonly string V1Header = string.Join('|', V1);
    private static readonly string V2Header = string.Join('|', V2);
    private static readonly string V3Header = string.Join('|', V3);

    // Indexed by version, then canonical position: the field's position in that version's rows, or -1.
    private static readonly int[][] FilePositions = [[], FilePositionsFor(V1Count), FilePositionsFor(V2Count), FilePositionsFor(CanonicalCount)];

    /// <summary>The v3 header names in file order (65 names); positions are the constants of this class.</summary>
    public static IReadOnlyList<string> Canonical => V3;

    /// <summary>The header names of <paramref name="version"/> in file order.</summary>
    public static IReadOnlyList<string> For(EclrsVersion version) => version switch
    {
        EclrsVersion.V1 => V1,
        EclrsVersion.V2 => V2,
        EclrsVersion.V3 => V3,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "unknown ECLRS version"),
    };

    /// <summary>
    /// The version whose header equals <paramref name="headerLine"/> exactly, or null. A leading byte order
    /// mark and a trailing carriage return are ignored; nothing else is (no trimming, no case folding).
    /// </summary>
    public static EclrsVersion? Recognize(string headerLine)
    {
        ArgumentNullException.ThrowIfNull(headerLine);
        return Recognize(headerLine.AsSpan());
    }

    internal static EclrsVersion? Recognize(ReadOnlySpan<char> headerLine)
    {
        if (headerLine.Length > 0 && headerLine[0] == '\uFEFF')
        {
            headerLine = headerLine[1..];
        }

        if (headerLine.Length > 0 && headerLine[^1] == '\r')
        {
            headerLine = headerLine[..^1];
        }

        if (headerLine.SequenceEqual(V3Header))
        {
            return EclrsVersion.V3;
        }

        if (headerLine.SequenceEqual(V2Header))
        {
            return EclrsVersion.V2;
        }

        return headerLine.SequenceEqual(V1Header) ? EclrsVersion.V1 : null;
    }

    /// <summary>For each canonical position, the field's position in rows of <paramref name="version"/>, or -1.</summary>
    internal static ReadOnlySpan<int> FilePositionsOf(EclrsVersion version) => FilePositions[(int)version];

    private static ReadOnlyCollection<string> Layout(int count)
    {
        // Every version ends with RESULTPOSITIVE; later versions insert their columns just before it.
        var names = new string[count];
        Array.Copy(CanonicalNames, names, count - 1);
        names[^1] = CanonicalNames[ResultPositive];
        return Array.AsReadOnly(names);
    }

    private static int[] FilePositionsFor(int count)
    {
        var positions = new int[CanonicalCount];
        for (var i = 0; i < CanonicalCount; i++)
        {
            positions[i] = i < count - 1 ? i : -1;
        }

        positions[ResultPositive] = count - 1;
        return positions;
    }
}
