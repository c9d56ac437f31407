using Viaduct.Engines.E2.Transformer.Cases;

namespace Viaduct.Engines.E2.Transformer.Tests.Cases;

public sealed class PropertyMergeTests
{
    public static TheoryData<string, Dictionary<string, string>, Dictionary<string, string>, Dictionary<string, string>, string[], PropertyConflict[]> Cases => new()
    {
        // description, existing, incoming, expected merged, expected added, expected conflicts
        {
            "a missing property is filled",
            new() { ["a"] = "1" }, new() { ["a"] = "1", ["b"] = "2" },
            new() { ["a"] = "1", ["b"] = "2" }, ["b"], []
        },
        {
            "an empty property is filled",
            new() { ["a"] = "" }, new() { ["a"] = "1" },
            new() { ["a"] = "1" }, ["a"], []
        },
        {
            "a white-space property is filled",
            new() { ["a"] = "  " }, new() { ["a"] = "1" },
            new() { ["a"] = "1" }, ["a"], []
        },
        {
            "an existing value is kept and the other recorded as a conflict",
            new() { ["a"] = "old" }, new() { ["a"] = "new" },
            new() { ["a"] = "old" }, [], [new("a", "old", "new")]
        },
        {
            "an equal value is neither added nor a conflict",
            new() { ["a"] = "same" }, new() { ["a"] = "same" },
            new() { ["a"] = "same" }, [], []
        },
        {
            "a value differing only in surrounding white space is not a conflict",
            new() { ["a"] = "same" }, new() { ["a"] = " same " },
            new() { ["a"] = "same" }, [], []
        },
        {
            "a value differing only in case is not a conflict",
            new() { ["a"] = "Main St" }, new() { ["a"] = "MAIN ST" },
            new() { ["a"] = "Main St" }, [], []
        },
        {
            "a blank incoming value adds nothing",
            new() { ["a"] = "1" }, new() { ["a"] = " ", ["b"] = "" },
            new() { ["a"] = "1" }, [], []
        },
        {
            "a blank incoming value never replaces an existing blank",
            new() { ["a"] = "" }, new() { ["a"] = "   " },
            new() { ["a"] = "" }, [], []
        },
        {
            "properties only in existing are kept",
            new() { ["a"] = "1", ["z"] = "9" }, new() { ["b"] = "2" },
            new() { ["a"] = "1", ["b"] = "2", ["z"] = "9" }, ["b"], []
        },
        {
            "fills and conflicts are reported together in name order",
            new() { ["c"] = "x", ["a"] = "x", ["d"] = "" }, new() { ["d"] = "4", ["c"] = "3", ["b"] = "2", ["a"] = "1" },
            new() { ["a"] = "x", ["b"] = "2", ["c"] = "x", ["d"] = "4" }, ["b", "d"], [new("a", "x", "1"), new("c", "x", "3")]
        },
        {
            "nothing merges into nothing",
            new(), new(),
            new(), [], []
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Merge_should_add_only_what_is_missing(
        string description,
        Dictionary<string, string> existing,
        Dictionary<string, string> incoming,
        Dictionary<string, string> merged,
        string[] added,
        PropertyConflict[] conflicts)
    {
        var result = PropertyMerge.Merge(existing, incoming);

        Assert.True(merged.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(result.Merged.OrderBy(p => p.Key, StringComparer.Ordinal)), $"{description}: merged properties differ");
        Assert.Equal(added, result.Added);
        Assert.Equal(conflicts, result.Conflicts);
        Assert.Equal(added.Length > 0, result.Changed);
    }

    [Fact]
    public void Merge_should_report_unchanged_when_only_conflicts_were_found()
    {
        var result = PropertyMerge.Merge(new Dictionary<string, string> { ["a"] = "old" }, new Dictionary<string, string> { ["a"] = "new" });

        Assert.False(result.Changed);
        Assert.Single(result.Conflicts);
    }

    [Fact]
    public void Merge_should_leave_the_existing_dictionary_untouched()
    {
        var existing = new Dictionary<string, string> { ["a"] = "" };

        var result = PropertyMerge.Merge(existing, new Dictionary<string, string> { ["a"] = "1" });

        Assert.Equal("1", result.Merged["a"]);
        Assert.Equal("", existing["a"]);
    }
}
