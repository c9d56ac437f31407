using Viaduct.Engines.E2.Transformer.Matching;

namespace Viaduct.Engines.E2.Transformer.Tests.Matching;

public sealed class IndexCaseMatcherTests
{
    private const string Albany = "36001";
    private const string Bronx = "36005";

    private static IndexCaseCandidate Open(long id, string county, params string[] accessions) =>
        new(id, county, Closed: false, CaseTransferState.None, RegisteredInError: false, accessions);

    public static TheoryData<string, string, string?, IndexCaseCandidate[], IndexCaseMatchKind, long[]> Cases => new()
    {
        // description, county, accession, person's cases, expected kind, expected case ids
        { "a person without cases gets a new case", Albany, "A1", [], IndexCaseMatchKind.Create, [] },
        { "an open case in the county takes the result", Albany, "A1", [Open(1, Albany)], IndexCaseMatchKind.OpenInCounty, [1] },
        { "the same person in another county gets a second case", Bronx, "A1", [Open(1, Albany, "A1")], IndexCaseMatchKind.Create, [] },
        { "each county's case is found for its own results", Bronx, "B1", [Open(1, Albany, "A1"), Open(2, Bronx)], IndexCaseMatchKind.OpenInCounty, [2] },
        { "a repeated accession number goes to the case holding it", Albany, "A2", [Open(1, Albany, "A1"), Open(2, Albany, "A2"), Open(3, Albany)], IndexCaseMatchKind.AccessionNumber, [2] },
        { "a repeated accession number held by two cases goes to both", Albany, "A2", [Open(3, Albany, "A2"), Open(1, Albany, "A2"), Open(2, Albany)], IndexCaseMatchKind.AccessionNumber, [1, 3] },
        { "a new accession number goes to every open case in the county", Albany, "A9", [Open(2, Albany, "A1"), Open(1, Albany), Open(3, Bronx)], IndexCaseMatchKind.OpenInCounty, [1, 2] },
        { "an accession number is compared trimmed", Albany, " A2 ", [Open(1, Albany, "A1"), Open(2, Albany, "A2")], IndexCaseMatchKind.AccessionNumber, [2] },
        { "an accession number is compared with case", Albany, "a2", [Open(1, Albany, "A1"), Open(2, Albany, "A2")], IndexCaseMatchKind.OpenInCounty, [1, 2] },
        { "a blank accession number goes to every open case in the county", Albany, " ", [Open(1, Albany, ""), Open(2, Albany, "A2")], IndexCaseMatchKind.OpenInCounty, [1, 2] },
        { "an accession number held in another county does not count", Albany, "A1", [Open(1, Bronx, "A1"), Open(2, Albany)], IndexCaseMatchKind.OpenInCounty, [2] },
        { "a closed case gets a new case", Albany, "A1", [new(1, Albany, Closed: true, CaseTransferState.None, false, ["A1"])], IndexCaseMatchKind.Create, [] },
        { "a case with a pending transfer out gets a new case", Albany, "A1", [new(1, Albany, false, CaseTransferState.Pending, false, ["A1"])], IndexCaseMatchKind.Create, [] },
        { "a case transferred out gets a new case", Albany, "A1", [new(1, Albany, false, CaseTransferState.Sent, false, ["A1"])], IndexCaseMatchKind.Create, [] },
        { "a case registered in error gets a new case", Albany, "A1", [new(1, Albany, false, CaseTransferState.None, RegisteredInError: true, ["A1"])], IndexCaseMatchKind.Create, [] },
        { "a closed case holding the accession yields to an open one", Albany, "A1", [new(1, Albany, Closed: true, CaseTransferState.None, false, ["A1"]), Open(2, Albany)], IndexCaseMatchKind.OpenInCounty, [2] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Match_should_follow_the_index_case_rule(string description, string county, string? accession, IndexCaseCandidate[] personCases, IndexCaseMatchKind kind, long[] ids)
    {
        var match = IndexCaseMatcher.Match(county, accession, personCases);

        Assert.True(kind == match.Kind, $"{description}: expected {kind}, got {match.Kind}");
        Assert.Equal(ids, match.IndexCaseIds);
    }

    [Theory]
    [InlineData(false, CaseTransferState.None, false, true)]
    [InlineData(true, CaseTransferState.None, false, false)]
    [InlineData(false, CaseTransferState.Pending, false, false)]
    [InlineData(false, CaseTransferState.Sent, false, false)]
    [InlineData(false, CaseTransferState.None, true, false)]
    public void IsOpen_should_exclude_closed_transferred_out_and_registered_in_error_cases(bool closed, CaseTransferState transfer, bool inError, bool open)
    {
        Assert.Equal(open, new IndexCaseCandidate(1, Albany, closed, transfer, inError, []).IsOpen);
    }
}
