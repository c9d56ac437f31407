using Viaduct.Engines.E2.Transformer.Matching;

namespace Viaduct.Engines.E2.Transformer.Tests.Matching;

public sealed class PersonMatcherTests
{
    private static readonly DateOnly Dob = new(1947, 3, 1);
    private static readonly DateOnly OtherDob = new(1947, 3, 2);

    private static readonly PersonCandidate MaryAnn = new(10, ["K-MARY"], Dob, "Smith", "Mary Ann");
    private static readonly PersonCandidate John = new(20, ["K-JOHN", "K-JOHN-2"], Dob, "Doe", "John");
    private static readonly PersonCandidate NoKeys = new(30, [], new DateOnly(1980, 1, 1), "Roe", "Richard");
    private static readonly PersonCandidate NoDob = new(40, ["K-NODOB"], null, "Smith", "Mary");

    private static readonly PersonCandidate[] People = [MaryAnn, John, NoKeys, NoDob];

    public static TheoryData<string, ResultIdentity, PersonMatchKind, long?, string?> Cases => new()
    {
        // description, row, expected kind, expected person, expected key to add
        { "a patient key a person holds matches that person", new("K-JOHN-2", OtherDob, "Other", "Name"), PersonMatchKind.PatientKey, 20, null },
        { "a patient key wins over a name and dob match", new("K-JOHN", Dob, "Smith", "Mary"), PersonMatchKind.PatientKey, 20, null },
        { "a patient key is trimmed", new(" K-MARY ", null, null, null), PersonMatchKind.PatientKey, 10, null },
        { "a patient key is compared with case", new("k-mary", null, null, null), PersonMatchKind.Create, null, "k-mary" },
        { "name and dob match adds the new patient key", new("K-NEW", Dob, "Doe", "John"), PersonMatchKind.NameAndDateOfBirth, 20, "K-NEW" },
        { "'Mary Ann' is matched by 'Mary'", new("K-NEW", Dob, "Smith", "Mary"), PersonMatchKind.NameAndDateOfBirth, 10, "K-NEW" },
        { "'Mary' is matched by 'MARY JANE'", new("K-NEW", Dob, "SMITH", "MARY JANE"), PersonMatchKind.NameAndDateOfBirth, 10, "K-NEW" },
        { "names compare case-insensitively and trimmed", new("K-NEW", Dob, "  sMiTh ", " mary "), PersonMatchKind.NameAndDateOfBirth, 10, "K-NEW" },
        { "a person without keys matches by name and dob", new("K-ROE", new DateOnly(1980, 1, 1), "roe", "richard"), PersonMatchKind.NameAndDateOfBirth, 30, "K-ROE" },
        { "a name and dob match without a patient key adds none", new("", Dob, "Doe", "John"), PersonMatchKind.NameAndDateOfBirth, 20, null },
        { "the same name with another dob creates a person", new("K-NEW", OtherDob, "Smith", "Mary"), PersonMatchKind.Create, null, "K-NEW" },
        { "another first name creates a person", new("K-NEW", Dob, "Smith", "Marie"), PersonMatchKind.Create, null, "K-NEW" },
        { "another last name creates a person", new("K-NEW", Dob, "Smyth", "Mary"), PersonMatchKind.Create, null, "K-NEW" },
        { "'Maryann' is not 'Mary Ann'", new("K-NEW", Dob, "Smith", "Maryann"), PersonMatchKind.Create, null, "K-NEW" },
        { "a row without dob matches by patient key only", new("K-NEW", null, "Smith", "Mary"), PersonMatchKind.Create, null, "K-NEW" },
        { "a row without a last name matches by patient key only", new("K-NEW", Dob, " ", "Mary"), PersonMatchKind.Create, null, "K-NEW" },
        { "a row without a first name matches by patient key only", new("K-NEW", Dob, "Smith", null), PersonMatchKind.Create, null, "K-NEW" },
        { "a row without dob still matches its patient key", new("K-NODOB", null, null, null), PersonMatchKind.PatientKey, 40, null },
        { "a candidate without dob never matches by name", new("K-NEW", null, "Smith", "Mary"), PersonMatchKind.Create, null, "K-NEW" },
        { "a row with nothing creates a person without a key", new(null, null, null, null), PersonMatchKind.Create, null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Match_should_follow_the_person_rule(string description, ResultIdentity row, PersonMatchKind kind, long? personId, string? keyToAdd)
    {
        var match = PersonMatcher.Match(row, People);

        Assert.True(kind == match.Kind, $"{description}: expected {kind}, got {match.Kind}");
        Assert.Equal(personId, match.PersonId);
        Assert.Equal(keyToAdd, match.PatientKeyToAdd);
        Assert.Equal(keyToAdd is not null, match.AddsPatientKey);
    }

    [Fact]
    public void Match_should_create_when_there_are_no_candidates()
    {
        var match = PersonMatcher.Match(new ResultIdentity("K", Dob, "Doe", "John"), []);

        Assert.Equal(PersonMatchKind.Create, match.Kind);
        Assert.Null(match.PersonId);
        Assert.Equal("K", match.PatientKeyToAdd);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Match_should_take_the_lowest_id_whatever_the_candidate_order(bool reversed)
    {
        PersonCandidate[] twins = [new(7, ["K"], Dob, "Doe", "John"), new(3, ["K"], Dob, "Doe", "John")];
        var candidates = reversed ? twins.Reverse().ToArray() : twins;

        Assert.Equal(3, PersonMatcher.Match(new ResultIdentity("K", null, null, null), candidates).PersonId);
        Assert.Equal(3, PersonMatcher.Match(new ResultIdentity("OTHER", Dob, "doe", "john"), candidates).PersonId);
    }
}
