using Viaduct.Engines.E4.Loader.CommCare;
using Viaduct.Engines.E4.Loader.Transfers;

namespace Viaduct.Engines.E4.Loader.Tests.Transfers;

/// <summary>The chain walker as a table: each row a small CommCare world (cases per domain) and where the walk must end.</summary>
public sealed class TransferChainTests
{
    private const string Albany = "ny-albany";
    private const string Allegany = "ny-allegany";
    private const string Bronx = "ny-bronx";
    private const string Person = "P1";

    private static readonly Dictionary<string, string> Counties = new()
    {
        ["36001"] = Albany,
        ["36003"] = Allegany,
        ["36005"] = Bronx,
    };

    /// <summary>A case in the fake world: its domain, id, external id, and transfer properties (null = not set).</summary>
    private sealed record Case(string Domain, string Id, string ExternalId = Person, string? Destination = null, string? Source = null);

    /// <summary>Expected end: the domain and case id (null = none), the hops as "domain/id", the stop, and words the explanation holds.</summary>
    private sealed record Row(Case[] World, string Domain, string? CaseId, string[] Hops, TransferStop Stop, string Says, int MaxHops = 10);

    private static readonly Dictionary<string, Row> Rows = new()
    {
        ["nothing posted yet"] = new([], Albany, null, [], TransferStop.None, "No case"),
        ["no transfer"] = new([new(Albany, "a1")], Albany, "a1", ["ny-albany/a1"], TransferStop.None, "was not transferred"),
        ["a blank destination is no transfer"] = new([new(Albany, "a1", Destination: "  ")], Albany, "a1", ["ny-albany/a1"], TransferStop.None, "was not transferred"),
        ["one hop, found by transfer_source_case_id"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Allegany, "b1", ExternalId: "other", Source: "a1")],
            Allegany, "b1", ["ny-albany/a1", "ny-allegany/b1"], TransferStop.None, "Followed 1 transfer(s)"),
        ["one hop, found by external id (county id trimmed)"] = new(
            [new(Albany, "a1", Destination: " 36003 "), new(Allegany, "b1")],
            Allegany, "b1", ["ny-albany/a1", "ny-allegany/b1"], TransferStop.None, "Followed 1 transfer(s)"),
        ["transfer_source_case_id wins over an older case with the external id"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Allegany, "b0"), new(Allegany, "b1", Source: "a1")],
            Allegany, "b1", ["ny-albany/a1", "ny-allegany/b1"], TransferStop.None, "Followed 1 transfer(s)"),
        ["two hops"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Allegany, "b1", Source: "a1", Destination: "36005"), new(Bronx, "c1", Source: "b1")],
            Bronx, "c1", ["ny-albany/a1", "ny-allegany/b1", "ny-bronx/c1"], TransferStop.None, "Followed 2 transfer(s)"),
        ["unknown county"] = new(
            [new(Albany, "a1", Destination: "99999")],
            Albany, "a1", ["ny-albany/a1"], TransferStop.BrokenLink, "'99999', which is not a known county"),
        ["destination case missing"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Bronx, "c1")],
            Albany, "a1", ["ny-albany/a1"], TransferStop.BrokenLink, "but no case there carries transfer_source_case_id a1"),
        ["broken link after a hop"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Allegany, "b1", Source: "a1", Destination: "36005")],
            Allegany, "b1", ["ny-albany/a1", "ny-allegany/b1"], TransferStop.BrokenLink, "36005 (ny-bronx)"),
        ["cycle A to B to A"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Allegany, "b1", Source: "a1", Destination: "36001")],
            Allegany, "b1", ["ny-albany/a1", "ny-allegany/b1"], TransferStop.Cycle, "circular (ny-albany/a1 -> ny-allegany/b1 -> ny-albany/a1)"),
        ["moved back to a new case is not a cycle"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Allegany, "b1", Source: "a1", Destination: "36001"), new(Albany, "a2", Source: "b1")],
            Albany, "a2", ["ny-albany/a1", "ny-allegany/b1", "ny-albany/a2"], TransferStop.None, "Followed 2 transfer(s)"),
        ["self-transfer is no transfer"] = new(
            [new(Albany, "a1", Destination: "36001")],
            Albany, "a1", ["ny-albany/a1"], TransferStop.None, "names its own county 36001"),
        ["self-transfer after a hop"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Allegany, "b1", Source: "a1", Destination: "36003")],
            Allegany, "b1", ["ny-albany/a1", "ny-allegany/b1"], TransferStop.None, "names its own county 36003"),
        ["longer than maxHops"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Allegany, "b1", Source: "a1", Destination: "36005"), new(Bronx, "c1", Source: "b1")],
            Allegany, "b1", ["ny-albany/a1", "ny-allegany/b1"], TransferStop.TooLong, "after 1 transfer(s)", MaxHops: 1),
        ["exactly maxHops long"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Allegany, "b1", Source: "a1", Destination: "36005"), new(Bronx, "c1", Source: "b1")],
            Bronx, "c1", ["ny-albany/a1", "ny-allegany/b1", "ny-bronx/c1"], TransferStop.None, "Followed 2 transfer(s)", MaxHops: 2),
        ["any transfer with maxHops 0"] = new(
            [new(Albany, "a1", Destination: "36003"), new(Allegany, "b1", Source: "a1")],
            Albany, "a1", ["ny-albany/a1"], TransferStop.TooLong, "after 0 transfer(s)", MaxHops: 0),
    };

    public static TheoryData<string> RowNames => [.. Rows.Keys];

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task The_walk_ends_where_the_table_says(string name)
    {
        var row = Rows[name];
        var reader = new FakeReader(row.World);

        var result = await TransferChain.ResolveAsync(Albany, Person, reader, Counties.GetValueOrDefault, row.MaxHops, CancellationToken.None);

        Assert.Equal(row.Domain, result.Domain);
        Assert.Equal(row.CaseId, result.Case?.CaseId);
        Assert.Equal(row.Hops, result.Hops.Select(h => $"{h.Domain}/{h.CaseId}"));
        Assert.Equal(row.Stop, result.Stop);
        Assert.Equal(row.Stop == TransferStop.None, result.Complete);
        Assert.Equal(Math.Max(0, row.Hops.Length - 1), result.Transfers);
        Assert.Contains(row.Says, result.Explanation, StringComparison.Ordinal);
        // Explanations name domains, case ids and county ids; never the external id (it identifies a person).
        Assert.DoesNotContain(Person, result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cycle_is_walked_once_however_the_reader_answers()
    {
        var reader = new FakeReader([new(Albany, "a1", Destination: "36003"), new(Allegany, "b1", Source: "a1", Destination: "36001")]);

        await TransferChain.ResolveAsync(Albany, Person, reader, Counties.GetValueOrDefault, maxHops: 100, CancellationToken.None);

        Assert.True(reader.Lookups <= 5, $"{reader.Lookups} lookups");
    }

    [Fact]
    public async Task Bad_arguments_are_refused()
    {
        var reader = new FakeReader([]);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TransferChain.ResolveAsync(Albany, Person, reader, Counties.GetValueOrDefault, -1, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => TransferChain.ResolveAsync(Albany, " ", reader, Counties.GetValueOrDefault, 1, CancellationToken.None));
    }

    /// <summary>Answers from a list of cases; by external id the first listed (CommCare answers the oldest).</summary>
    private sealed class FakeReader(IEnumerable<Case> world) : ITransferChainReader
    {
        private readonly List<RemoteCase> _cases = [.. world.Select(ToRemote)];

        public int Lookups { get; private set; }

        public Task<RemoteCase?> GetByExternalIdAsync(string domain, string externalId, CancellationToken cancellationToken)
        {
            Lookups++;
            return Task.FromResult(_cases.FirstOrDefault(c => c.Domain == domain && c.ExternalId == externalId));
        }

        public Task<RemoteCase?> FindBySourceCaseAsync(string domain, string sourceCaseId, CancellationToken cancellationToken)
        {
            Lookups++;
            return Task.FromResult(_cases.FirstOrDefault(c => c.Domain == domain && c.Property(TransferChain.SourceCaseProperty) == sourceCaseId));
        }

        private static RemoteCase ToRemote(Case c)
        {
            var properties = new Dictionary<string, string> { ["first_name"] = "Test" };
            if (c.Destination is not null)
            {
                properties[TransferChain.DestinationCountyProperty] = c.Destination;
            }

            if (c.Source is not null)
            {
                properties[TransferChain.SourceCaseProperty] = c.Source;
            }

            return new RemoteCase(c.Domain, c.Id, "patient", "Test Person", c.ExternalId, "loc-1", properties,
                new Dictionary<string, RemoteIndex>(), Closed: false, null, null, null, null, null);
        }
    }
}
