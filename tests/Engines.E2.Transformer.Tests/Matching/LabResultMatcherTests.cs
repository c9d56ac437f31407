using Viaduct.Engines.E2.Transformer.Matching;

namespace Viaduct.Engines.E2.Transformer.Tests.Matching;

public sealed class LabResultMatcherTests
{
    private static readonly LabResultCandidate[] LabResults = [new(5, "A1"), new(6, "A2"), new(4, "A2"), new(7, "")];

    [Theory]
    [InlineData("A1", 5L)]
    [InlineData(" A1 ", 5L)]
    [InlineData("A2", 4L)]
    [InlineData("a1", null)]
    [InlineData("A3", null)]
    [InlineData("", 7L)]
    [InlineData(null, 7L)]
    public void Match_should_find_the_lab_result_with_the_same_accession_number_else_none(string? accession, long? expected)
    {
        Assert.Equal(expected, LabResultMatcher.Match(accession, LabResults));
    }

    [Fact]
    public void Match_should_create_when_the_case_has_no_lab_results()
    {
        Assert.Null(LabResultMatcher.Match("A1", []));
    }
}
