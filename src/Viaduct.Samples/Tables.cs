namespace Viaduct.Samples;

/// <summary>
/// The small lists synthetic rows are drawn from. Every name, lab, facility, employer and school here is made
/// up (or a placeholder such as ACME); phone numbers use the fictitious 555 exchange. Values that hold a pipe
/// or a quote are stored already CSV-quoted, as they appear in a file.
/// </summary>
internal static class Tables
{
    public static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    /// <summary>Rows per person in a block of five rows holding three people: every ordered split of 5 into 3.</summary>
    public static readonly int[][] BlockPatterns =
    [
        [0, 0, 0, 1, 2], [0, 1, 1, 1, 2], [0, 1, 2, 2, 2],
        [0, 0, 1, 1, 2], [0, 0, 1, 2, 2], [0, 1, 1, 2, 2],
    ];

    public static readonly string[] LastNames =
    [
        "TESTPERSON", "SAMPLEMAN", "EXAMPLAR", "PLACEHOLDER", "FICTIONAL", "MOCKINGTON", "DUMMYFIELD", "SYNTHETICA",
        "PRETENDER", "IMAGINARO", "FAUXWELL", "NOTREAL", "MADEUPSON", "LOREMSKI", "IPSUMOV", "DOLORES-AMET",
        "CONSECTETUR", "ADIPISCO", "ELITSON", "SEDDOE", "TEMPORINI", "INCIDIDUNT", "LABOREWICZ", "MAGNALIQUA",
        "VENIAMOS", "NOSTRUDEL", "EXERCITAS", "ULLAMCOBY", "NISIUTO", "ALIQUIPPA", "COMMODORE-EA", "DUISAUTE",
        "IRURELLI", "REPREHEN", "VOLUPTAS", "VELITESSE", "CILLUMOR", "FUGIATTO", "NULLAPARI", "EXCEPTEUR",
    ];

    public static readonly string[] LastNamesMixedCase = [.. LastNames.Select(n => n[..1] + n[1..].ToLowerInvariant())];

    public static readonly string[] FirstNames =
    [
        "ALEXIS", "MORGAN", "JORDAN", "TAYLOR", "CASEY", "RILEY", "AVERY", "QUINN", "PEYTON", "SKYLER",
        "DAKOTA", "REESE", "ROWAN", "SAGE", "EMERSON", "FINLEY", "HARPER", "JESSE", "KENDALL", "LOGAN",
        "MARY ANN", "JEAN LUC", "ANNA MARIA", "JOSE LUIS", "BILLIE", "CAMERON", "DREW", "ELLIOT", "FRANKIE", "GRAY",
        "HAYDEN", "INDIGO", "JAMIE", "KAI", "LANE", "MARLOWE", "NOEL", "OAKLEY", "PARKER", "REMY",
    ];

    public static readonly string[] Initials = ["A", "B", "C", "D", "E", "J", "K", "L", "M", "R", "S", "T"];

    public static readonly string[] ProviderFirstNames =
    [
        "SALLY", "BOBBY, MD", "PAT", "CHRIS, DO", "ROBIN", "LEE, NP", "DANA", "SAM, PA", "ALEX", "JO, MD",
    ];

    public static readonly string[] ProviderRoles = ["LABDIR", "ORDPROV", "ATTEND", "MEDDIR"];

    public static readonly string[] Streets =
    [
        "MAIN", "OAK", "MAPLE", "ELM", "PINE", "CEDAR", "WALNUT", "HIGHLAND", "LAKEVIEW", "RIVERSIDE",
        "HILLCREST", "SUNSET", "PARK", "CHURCH", "MILL", "SPRING", "WASHINGTON", "FRANKLIN", "JEFFERSON", "ORCHARD",
        "MEADOW", "BROOKSIDE", "CHESTNUT", "WILLOW", "FOREST", "SCHOOL", "UNION", "CENTER", "GROVE", "VALLEY",
    ];

    public static readonly string[] StreetSuffixes = ["ST", "AVE", "RD", "BLVD", "LN", "DR", "PL", "CT", "TER", "WAY"];

    public static readonly string[] Cities =
    [
        "NEW ROCHELLE", "SPRINGFIELD", "ALBANY", "SCHENECTADY", "TROY", "UTICA", "BINGHAMTON", "ITHACA", "ELMIRA",
        "BUFFALO", "ROCHESTER", "SYRACUSE", "YONKERS", "WHITE PLAINS", "HEMPSTEAD", "BROOKLYN", "BRONX", "QUEENS",
        "STATEN ISLAND", "NEW YORK", "POUGHKEEPSIE", "KINGSTON", "PLATTSBURGH", "WATERTOWN", "OSWEGO", "GENEVA",
    ];

    /// <summary>
    /// The 62 county FIPS codes (36001 to 36123, odd), the populous ones repeated so that they get more rows.
    /// </summary>
    public static readonly string[] WeightedCounties = BuildWeightedCounties();

    /// <summary>All-digit codes that no county file lists: E1 keeps such rows under the statewide entry.</summary>
    public static readonly string[] UnknownCountyCodes = ["1111", "9999", "600", "36999"];

    /// <summary>County codes that make a row bad.</summary>
    public static readonly string[] NonDigitCountyCodes = ["KINGS", "36O61", "N/A", "36-001"];

    /// <summary>(MSHLABPFI, MSHSENDINGFACILITYCLIA, MSHSENDINGFACILITYNAME, OBXPRODUCERLABNAME).</summary>
    public static readonly (string Pfi, string Clia, string Name, string Producer)[] Labs =
    [
        ("3130", "31D0652945", "ACME LABORATORIES INC", "ACME LABORATORIES INC - MAIN"),
        ("1067", "33D0654341", "EMPIRE PUBLIC HEALTH LABORATORY", "Acme Center"),
        ("2245", "33D2045678", "\"ACME LABORATORIES | INC\"", "\"ACME LABORATORIES | INC\""),
        ("5521", "05D2183305", "NORTHWIND DIAGNOSTICS LLC", "NORTHWIND DIAGNOSTICS LLC - REFERENCE LAB"),
        ("7712", "33D1096542", "CONTOSO CLINICAL REFERENCE LABORATORY", "CONTOSO CLINICAL REFERENCE LABORATORY"),
        ("8890", "31D2107766", "FABRIKAM MEDICAL LABS", "FABRIKAM MEDICAL LABS EAST"),
        ("4410", "33D2200139", "LITWARE PATHOLOGY ASSOCIATES PC", "LITWARE PATHOLOGY"),
        ("6603", "05D2154017", "TAILSPIN TESTING SERVICES", "TAILSPIN TESTING SERVICES"),
        ("9904", "33D0987123", "WINGTIP HEALTH NETWORK LABORATORY", "WINGTIP HEALTH NETWORK LABORATORY"),
        ("1202", "31D1122334", "WOODGROVE COMMUNITY HOSPITAL LAB", "WOODGROVE COMMUNITY HOSPITAL LAB"),
    ];

    public sealed record Facility(string Address1, string Address2, string City, string Code, string Name, string Phone);

    public static readonly Facility[] Facilities =
    [
        new("321 MAIN STREET", "", "NEW ROCHELLE", "", "NEW YORK STATE", "5551112222"),
        new("321 MAIN STREET", "PO BOX 1234", "SPRINGFIELD", "", "ACME MEDICAL CENTER", "5551113333"),
        new("45 HARBOR VIEW DR", "SUITE 200", "YONKERS", "F1204", "\"NORTH SHORE URGENT CARE | EAST\"", "5551114444"),
        new("1000 HOSPITAL PLAZA", "", "ALBANY", "F3310", "CAPITAL REGION COMMUNITY HOSPITAL", "5551115555"),
        new("77 PINE BLVD", "BLDG C", "ROCHESTER", "F5521", "GENESEE VALLEY FAMILY PRACTICE", "5551116666"),
        new("5 CENTER SQ", "", "SYRACUSE", "", "ONONDAGA COUNTY TESTING SITE 4", "5551117777"),
        new("2200 OCEAN PKWY", "FLOOR 3", "BROOKLYN", "F0047", "KINGS BAY PEDIATRICS PLLC", "5551118888"),
        new("18 DEPOT RD", "", "PLATTSBURGH", "F1919", "NORTH COUNTRY MOBILE TESTING UNIT", "5551119999"),
        new("600 PARKWAY DR", "", "BUFFALO", "F0290", "LAKE ERIE MEDICAL GROUP", "5551110000"),
        new("12 ELM ST", "", "ITHACA", "", "CAYUGA CAMPUS HEALTH SERVICES", "5551112323"),
        new("900 BROADWAY", "SUITE 12", "NEW YORK", "F0610", "MIDTOWN WALK-IN CLINIC", "5551113434"),
        new("3 COMMERCE WAY", "", "HEMPSTEAD", "F0590", "NASSAU DRIVE-THRU TESTING", "5551114545"),
    ];

    public sealed record TestKind(string LocalCode, string LocalDesc, string Loinc, string LoincDesc, string Specimen);

    public static readonly TestKind[] Tests =
    [
        new("TH68-0", "COVID-19 Nasopharynx, RT-PCR (qualitative)", "94309-2", "2019-nCoV RNA XXX NAA+probe-Imp", "NASOPHARYNX"),
        new("49365", "2019 nCoV Real-Time RT-PCR", "94309-2", "2019-nCoV N XXX Ql NAA N2", "Swab from nasal sinus"),
        new("SC2PCR", "SARS-CoV-2 RNA, Qualitative Real-Time RT-PCR", "94500-6", "SARS-CoV-2 RNA Resp Ql NAA+probe", "Nasopharyngeal swab"),
        new("SC2AG", "SARS-CoV-2 Antigen, Rapid Immunoassay (POC)", "94558-4", "SARS-CoV-2 Ag Resp Ql IA.rapid", "Anterior nares swab"),
        new("SC2RDRP", "SARS-CoV-2 RdRp gene, RT-PCR (qualitative)", "94534-5", "SARS-CoV-2 RdRp gene Resp Ql NAA+probe", "Oropharyngeal swab"),
        new("SC2SAL", "SARS-CoV-2 RNA, Saliva, NAA with probe detection", "94845-5", "SARS-CoV-2 RNA Saliva Ql NAA+probe", "Saliva"),
    ];

    /// <summary>RESULTPOSITIVE, SNOMED code and description, long result texts and their short forms (same order).</summary>
    public sealed record ResultKind(string Positive, string Snomed, string SnomedDesc, string[] Texts, string[] ShortTexts);

    /// <summary>Positive, negative, inconclusive, invalid, other (in this order; see the weights in the writer).</summary>
    public static readonly ResultKind[] Results =
    [
        new("POSITIVE", "10828004", "Positive (qualifier value)",
            ["Positive for 2019-nCoV", "SARS-CoV-2 RNA DETECTED. Positive results are indicative of active infection with SARS-CoV-2",
                "DETECTED - Result called to ordering provider; reportable to the local health department"],
            ["Positive for 2019-nCoV", "DETECTED", "DETECTED"]),
        new("NEGATIVE", "260385009", "Negative (qualifier value)",
            ["Negative for 2019-nCoV", "SARS-CoV-2 RNA NOT DETECTED. Negative results do not preclude SARS-CoV-2 infection",
                "NOT DETECTED - This test was performed under Emergency Use Authorization by an authorized laboratory"],
            ["Negative for 2019-nCoV", "NOT DETECTED", "NOT DETECTED"]),
        new("INCONCLUSIVE", "419984006", "Inconclusive (qualifier value)",
            ["Inconclusive (qualifier value)", "PRESUMPTIVE POSITIVE - one of two targets detected; recollection and retest advised"],
            ["Inconclusive", "PRESUMPTIVE POSITIVE"]),
        new("INVALID", "455371000124106", "Invalid result (qualifier value)",
            ["Invalid result (qualifier value)", "SPECIMEN REJECTED - specimen received outside of stability window; please recollect"],
            ["Invalid", "REJECTED"]),
        new("", "", "", ["SEE NOTE", "Test not performed - duplicate order cancelled by laboratory"], ["SEE NOTE", "NOT PERFORMED"]),
    ];

    public static readonly string[] Employers =
    [
        "ACME WIDGETS CORP", "NORTHWIND TRADERS", "\"CONTOSO | SONS LLC\"", "FABRIKAM INDUSTRIES", "TAILSPIN TOYS",
        "WINGTIP AIRLINES", "WOODGROVE BANK", "LITWARE SOFTWARE", "COHO WINERY", "ADVENTURE WORKS CYCLES",
        "SELF EMPLOYED", "CITY OF SPRINGFIELD", "RETIRED",
    ];

    /// <summary>Indexes into <see cref="Labs"/>, <see cref="Facilities"/>, <see cref="Employers"/>: the quoted entry (index 2) is rare.</summary>
    public static readonly int[] LabPicks = Picks(Labs.Length, rare: 2);

    public static readonly int[] FacilityPicks = Picks(Facilities.Length, rare: 2);

    public static readonly int[] EmployerPicks = Picks(Employers.Length, rare: 2);

    public static readonly string[] JobTitles =
    [
        "CASHIER", "NURSE", "TEACHER", "DRIVER", "WAREHOUSE ASSOCIATE", "ENGINEER", "COOK", "HOME HEALTH AIDE",
        "ACCOUNTANT", "CONSTRUCTION WORKER", "STUDENT WORKER", "SECURITY OFFICER",
    ];

    public static readonly string[] Schools =
    [
        "MAPLE GROVE ELEMENTARY SCHOOL", "RIVERSIDE MIDDLE SCHOOL", "HILLCREST HIGH SCHOOL", "LAKEVIEW ACADEMY",
        "SUNSET PARK PRIMARY", "ORCHARD COMMUNITY COLLEGE",
    ];

    public static readonly string[] SchoolDistricts =
    [
        "SPRINGFIELD CENTRAL SD", "RIVERSIDE UNION FREE SD", "LAKEVIEW CITY SD", "HILLCREST CENTRAL SD",
    ];

    public static readonly string[] SchoolJobClasses = ["STUDENT", "TEACHER", "STAFF", "ADMINISTRATOR"];

    // Every index four times, except the rare one once: the rare entry gets about one pick in 4 * count.
    private static int[] Picks(int count, int rare) =>
        [.. Enumerable.Range(0, count).SelectMany(i => Enumerable.Repeat(i, i == rare ? 1 : 4))];

    private static string[] BuildWeightedCounties()
    {
        // Bronx, Kings, Nassau, New York, Queens, Richmond, Suffolk, Westchester, Erie, Monroe.
        int[] populous = [5, 47, 59, 61, 81, 85, 103, 119, 29, 55];
        var codes = new List<string>();
        for (var n = 1; n <= 123; n += 2)
        {
            var code = "36" + n.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
            codes.Add(code);
            if (Array.IndexOf(populous, n) >= 0)
            {
                for (var extra = 0; extra < 5; extra++)
                {
                    codes.Add(code);
                }
            }
        }

        return [.. codes];
    }
}
