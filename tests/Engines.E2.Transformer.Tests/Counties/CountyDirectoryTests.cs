using System.Text;
using Viaduct.Engines.E2.Transformer.Counties;

namespace Viaduct.Engines.E2.Transformer.Tests.Counties;

public sealed class CountyDirectoryTests
{
    private static readonly string TestFile = Path.Combine(AppContext.BaseDirectory, "Fixtures", "test-counties.json");

    private static readonly CountyDirectory Directory = CountyDirectory.Load(TestFile);

    [Theory]
    [InlineData("36001", "36001", "Albany")]
    [InlineData("36005", "36005", "Bronx")]
    [InlineData("36011", "36011", "Cayuga")]
    [InlineData(" 36001 ", "36001", "Albany")]
    [InlineData("36000", "36000", "Statewide")]
    [InlineData("1111", "36000", "Statewide")]
    [InlineData("9999", "36000", "Statewide")]
    [InlineData("600", "36000", "Statewide")]
    [InlineData("001", "36000", "Statewide")]
    [InlineData("036001", "36000", "Statewide")]
    public void Resolve_should_give_the_county_with_that_fips_else_the_statewide_entry(string code, string fips, string name)
    {
        var county = Directory.Resolve(code);

        Assert.Equal(fips, county.Fips);
        Assert.Equal(name, county.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("36O01")]
    [InlineData("-36001")]
    public void Resolve_should_refuse_a_blank_or_non_digit_code(string code)
    {
        Assert.Throws<ArgumentException>(() => Directory.Resolve(code));
    }

    [Theory]
    [InlineData("36001", true)]
    [InlineData("36011", false)]
    [InlineData("36000", true)]
    [InlineData("1111", true)]
    public void IsPostable_should_be_true_only_for_a_participating_county(string code, bool postable)
    {
        Assert.Equal(postable, CountyDirectory.IsPostable(Directory.Resolve(code)));
    }

    [Fact]
    public void Load_should_read_every_field_in_snake_case()
    {
        Assert.Equal(4, Directory.Counties.Count);
        Assert.Equal(new County("36011", "Cayuga", "test-cayuga", "loc-cayuga", Participating: false, Statewide: false), Directory.Counties[2]);
        Assert.Equal("36000", Directory.Statewide.Fips);
        Assert.True(Directory.Statewide.Statewide);
    }

    [Fact]
    public void Lookups_by_fips_and_domain_should_not_fall_back_to_statewide()
    {
        Assert.True(Directory.TryGetByFips("36005", out var bronx));
        Assert.Equal("Bronx", bronx.Name);
        Assert.False(Directory.TryGetByFips("1111", out _));
        Assert.True(Directory.TryGetByDomain("test-cayuga", out var cayuga));
        Assert.Equal("36011", cayuga.Fips);
        Assert.False(Directory.TryGetByDomain("nowhere", out _));
    }

    [Fact]
    public void The_shipped_county_file_should_hold_62_counties_and_one_statewide_entry()
    {
        // The engine project copies its default counties.json to the output, and so into this test's output.
        var shipped = CountyDirectory.Load(Path.Combine(AppContext.BaseDirectory, "counties.json"));

        Assert.Equal(63, shipped.Counties.Count);
        Assert.Equal(62, shipped.Counties.Count(c => !c.Statewide));
        Assert.Equal("36000", shipped.Statewide.Fips);
        Assert.Equal("Albany", shipped.Resolve("36001").Name);
    }

    public static TheoryData<string, string> InvalidFiles => new()
    {
        { """[]""", "there are no counties" },
        { """{}""", "not a valid county file" },
        { """null""", "expected a JSON array" },
        { """[ { "fips": "1", """, "not a valid county file" },
        { Entries(Entry("36001", statewide: false)), "there is no statewide entry" },
        { Entries(Entry("36000", statewide: true), Entry("36999", statewide: true)), "there are 2 statewide entries (36000, 36999)" },
        { Entries(Entry("36000", statewide: true), Entry("36001"), Entry("36001")), "fips 36001 appears 2 times" },
        { Entries(Entry("36000", statewide: true), Entry("36A01")), "fips \"36A01\" is not all digits" },
        { Entries(Entry("36000", statewide: true), Entry("36001", name: "  ")), "entry 2 (fips 36001): name is missing or blank" },
        { Entries(Entry("36000", statewide: true), Entry("36001", domain: null)), "entry 2 (fips 36001): domain is missing or blank" },
        { Entries(Entry("36000", statewide: true), Entry("36001", locationId: "")), "entry 2 (fips 36001): location_id is missing or blank" },
        { Entries(Entry("36000", statewide: true), Entry(null)), "entry 2: fips is missing or blank" },
        { Entries(Entry("36000", statewide: true), """{ "fips": "36001", "name": "A", "domain": "d", "location_id": "l", "statewide": false }"""), "entry 2 (fips 36001): participating is missing" },
        { Entries("""{ "fips": "36000", "name": "S", "domain": "d", "location_id": "l", "participating": true }"""), "entry 1 (fips 36000): statewide is missing" },
        { Entries(Entry("36000", statewide: true), """{ "fips": "36001", "name": "A", "domain": "d", "location_id": "l", "participating": true, "statewide": false, "colour": "red" }"""), "colour" },
        { Entries(Entry("36000", statewide: true), "null"), "entry 2 is null" },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Load_should_reject_an_invalid_file_with_a_clear_reason(string json, string reason)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));

        var error = Assert.Throws<InvalidDataException>(() => CountyDirectory.Load(stream));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_should_report_every_problem_at_once()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Entries(Entry("36001", name: ""), Entry("36003", domain: ""))));

        var error = Assert.Throws<InvalidDataException>(() => CountyDirectory.Load(stream));

        Assert.Contains("entry 1 (fips 36001): name", error.Message, StringComparison.Ordinal);
        Assert.Contains("entry 2 (fips 36003): domain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_from_a_path_should_name_the_file_in_its_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"counties-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "[]");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => CountyDirectory.Load(path));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Entries(params string[] entries) => "[" + string.Join(",", entries) + "]";

    private static string Entry(string? fips, string? name = "N", string? domain = "d", string? locationId = "l", bool statewide = false)
    {
        static string Text(string field, string? value) => value is null ? "" : $"\"{field}\": \"{value}\", ";
        return "{ " + Text("fips", fips) + Text("name", name) + Text("domain", domain) + Text("location_id", locationId)
            + $"\"participating\": true, \"statewide\": {(statewide ? "true" : "false")} }}";
    }
}
