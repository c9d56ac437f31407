using Viaduct.Shared.Eclrs;
using C = Viaduct.Shared.Eclrs.EclrsColumns;

namespace Viaduct.Engines.E2.Transformer.Tests.Cases;

/// <summary>Raw ECLRS rows built in code (no fixture files from outside this project).</summary>
internal static class SampleRows
{
    /// <summary>The values of a typical result, by canonical position, as the reference v3 sample gives them.</summary>
    public static readonly (int Column, string Value)[] Typical =
    [
        (C.LastName, "Testuser"), (C.MiddleName, "Q"), (C.FirstName, "Mary Ann"),
        (C.DateOfBirth, "01MAR1947:00:00:00.000000"), (C.SexCode, "F"), (C.AddressLine1, "123 MAIN St"),
        (C.AddressLine2, "Apt 4"), (C.City, "Albany"), (C.ZipCode, "12207"), (C.CountyCode, "36001"),
        (C.HomePhone, "(555) 123-4567"), (C.LabPfi, "3130"), (C.SendingFacilityClia, "31D0652945"),
        (C.SendingFacilityName, "ACME | LABORATORIES INC"), (C.PatientKey, "15200000000000"),
        (C.FacilityCity, "New Rochelle"), (C.FacilityName, "NEW YORK STATE"), (C.ProviderFirstName, "Sally"),
        (C.ProviderLastName, "Testuser"), (C.CollectionDate, "18MAR2020:23:30:00.000000"),
        (C.CreateDate, "20MAR2020:06:03:36.589000"), (C.LocalTestCode, "TH68-0"), (C.LocalTestDesc, "COVID-19 Nasopharynx"),
        (C.LoincCode, "94309-2"), (C.LoincDesc, "2019-nCoV RNA XXX NAA+probe-Imp"),
        (C.ObservationDate, "19MAR2020:19:20:00.000000"), (C.ResultText, "Positive for 2019-nCoV"),
        (C.ResultTextShort, "Positive for 2019-nCoV"), (C.ResultStatusCode, "F"), (C.SnomedCode, "10828004"),
        (C.AccessionNumber, "102695116"), (C.AnalysisDate, "19MAR2020:19:20:00.000000"),
        (C.SpecimenSourceName, "NASOPHARYNX"), (C.MessageMasterKey, "15200070260000"),
        (C.PatientUpdateDate, "14MAY2020:13:43:16.000000"), (C.ResultPositive, "POSITIVE"),
    ];

    /// <summary>A raw row of <paramref name="version"/> with the given values (quoted where they hold a pipe or quote).</summary>
    public static string Row(EclrsVersion version, IEnumerable<(int Column, string Value)> values)
    {
        var names = C.For(version);
        var fields = new string[names.Count];
        Array.Fill(fields, "");
        foreach (var (column, value) in values)
        {
            var position = column == C.ResultPositive ? names.Count - 1 : column;
            if (position < names.Count - 1 || column == C.ResultPositive)
            {
                fields[position] = value.Contains('|', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal)
                    ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
                    : value;
            }
        }

        return string.Join('|', fields);
    }
}
