using Viaduct.Shared.Data.People;

namespace Viaduct.Engines.E2.Transformer.Tests.Matching;

public sealed class PersonIdentityTests
{
    private static readonly DateOnly Dob = new(1947, 3, 1);

    [Theory]
    [InlineData("Smith", "Mary Ann", "1947-03-01|4|MARY|SMITH")]
    [InlineData("  smith ", " mary\tann ", "1947-03-01|4|MARY|SMITH")]
    [InlineData("de  la Cruz", "José", "1947-03-01|4|JOSÉ|DE LA CRUZ")]
    [InlineData("O'Neil", "Jo-Ann", "1947-03-01|6|JO-ANN|O'NEIL")]
    public void Key_should_normalise_the_names(string last, string first, string key)
    {
        Assert.Equal(key, PersonIdentity.Key(Dob, last, first));
    }

    [Theory]
    [InlineData(false, "Smith", "Mary")]
    [InlineData(true, "", "Mary")]
    [InlineData(true, "Smith", "  ")]
    [InlineData(true, null, "Mary")]
    [InlineData(true, "Smith", null)]
    public void Key_should_be_null_when_a_part_is_missing(bool withDob, string? last, string? first)
    {
        Assert.Null(PersonIdentity.Key(withDob ? Dob : null, last, first));
    }

    [Fact]
    public void Key_should_not_let_a_separator_in_a_name_join_two_identities()
    {
        Assert.NotEqual(PersonIdentity.Key(Dob, "B|C", "A"), PersonIdentity.Key(Dob, "C", "A|B"));
    }

    [Fact]
    public void LockId_should_be_stable_and_differ_between_identities()
    {
        var key = PersonIdentity.Key(Dob, "Smith", "Mary")!;

        Assert.Equal(PersonIdentity.LockId(key), PersonIdentity.LockId(PersonIdentity.Key(Dob, "SMITH", "mary ann")!));
        Assert.NotEqual(PersonIdentity.LockId(key), PersonIdentity.LockId(PersonIdentity.Key(Dob, "Smith", "Marie")!));

        // SHA-256("x") begins 2d711642b726b044: the lock id must not depend on the process (no string.GetHashCode).
        Assert.Equal(0x2d711642b726b044L, PersonIdentity.LockId("x"));
    }
}
