using Viaduct.Engines.E4.Loader.CommCare;
using Viaduct.Testing;

namespace Viaduct.Engines.E4.Loader.Tests.CommCare;

/// <summary>The client against the real CommCare-like server over HTTP: reads, writes and the shapes it answers.</summary>
public sealed class CommCareClientTests(CommCareFixture fixture) : IClassFixture<CommCareFixture>, IDisposable
{
    private readonly CommCareClients _clients = new(fixture.Server);

    private ICommCareClient Client => _clients.Client;

    public void Dispose() => _clients.Dispose();

    [Fact]
    public async Task Upsert_creates_a_case_then_updates_the_same_case_by_external_id()
    {
        var domain = CommCareFixture.NewDomain();

        var created = await Client.UpsertAsync(domain, [Patient("P1", ("first_name", "Test"), ("fips", "36001"))]);
        var updated = await Client.UpsertAsync(domain, [Patient("P1", ("last_name", "Person"), ("fips", "36003"))]);

        var first = Assert.Single(created.Cases);
        var second = Assert.Single(updated.Cases);
        Assert.False(string.IsNullOrEmpty(created.XFormId));
        Assert.NotEqual(created.XFormId, updated.XFormId);
        Assert.Equal(first.CaseId, second.CaseId);
        Assert.Equal(domain, second.Domain);
        Assert.Equal("patient", second.CaseType);
        Assert.Equal("P1", second.ExternalId);
        Assert.Equal(Items.Owner, second.OwnerId);
        Assert.Equal("Test", second.Properties["first_name"]);
        Assert.Equal("Person", second.Properties["last_name"]);
        Assert.Equal("36003", second.Properties["fips"]);
        Assert.False(second.Closed);
        Assert.NotNull(second.ServerLastModified);
        Assert.True(second.ServerLastModified >= first.ServerLastModified);
    }

    [Fact]
    public async Task A_lab_result_names_its_patient_case_by_external_id_or_temporary_id_in_the_same_request()
    {
        var domain = CommCareFixture.NewDomain();
        var patient = Patient("P7") with { TemporaryId = "patient-1" };
        var byExternalId = LabResult("P7#K1#A1") with { Parent = CaseIndex.ByExternalId("P7", "patient") };
        var byTemporaryId = LabResult("P7#K1#A2") with { Parent = CaseIndex.ByTemporaryId("patient-1", "patient") };

        var result = await Client.UpsertAsync(domain, [patient, byExternalId, byTemporaryId]);

        Assert.Equal(["P7", "P7#K1#A1", "P7#K1#A2"], result.Cases.Select(c => c.ExternalId));
        var patientCaseId = result.Cases[0].CaseId;
        foreach (var lab in result.Cases.Skip(1))
        {
            var parent = lab.Indices["parent"];
            Assert.Equal(patientCaseId, parent.CaseId);
            Assert.Equal("patient", parent.CaseType);
            Assert.Equal(CaseIndex.Extension, parent.Relationship);
        }
    }

    [Fact]
    public async Task A_case_is_read_by_id_and_by_external_id_even_with_hash_slash_and_space_in_it()
    {
        var domain = CommCareFixture.NewDomain();
        const string externalId = "P12#K 3/x#ACC-9";
        var posted = Assert.Single((await Client.UpsertAsync(domain, [LabResult(externalId)])).Cases);

        var byId = await Client.GetByIdAsync(domain, posted.CaseId);
        var byExternalId = await Client.GetByExternalIdAsync(domain, externalId);

        Assert.Equal(posted.CaseId, byId?.CaseId);
        Assert.Equal(externalId, byId?.ExternalId);
        Assert.Equal(posted.CaseId, byExternalId?.CaseId);
        Assert.Equal("positive", byExternalId?.Property("lab_result"));
        Assert.Null(byExternalId?.Property("not_there"));
    }

    [Fact]
    public async Task A_case_that_does_not_exist_reads_as_null()
    {
        var domain = CommCareFixture.NewDomain();
        await Client.UpsertAsync(domain, [Patient("P1")]);

        Assert.Null(await Client.GetByIdAsync(domain, Guid.NewGuid().ToString()));
        Assert.Null(await Client.GetByExternalIdAsync(domain, "P-none"));
        Assert.Null(await Client.GetByExternalIdAsync(CommCareFixture.NewDomain(), "P1"));
    }

    [Fact]
    public async Task Changes_are_listed_oldest_first_page_by_page_following_next_until_the_last()
    {
        var domain = CommCareFixture.NewDomain();
        var posted = new List<RemoteCase>();
        for (var i = 1; i <= 5; i++)
        {
            posted.Add(Assert.Single((await Client.UpsertAsync(domain, [Patient($"P{i}")])).Cases));
        }

        await Client.UpsertAsync(domain, [LabResult("L1")]);

        var pages = new List<CaseListPage>();
        await foreach (var page in Client.ListChangedAsync(domain, "patient", DateTimeOffset.UnixEpoch, pageSize: 2))
        {
            pages.Add(page);
        }

        Assert.Equal([2, 2, 1], pages.Select(p => p.Cases.Count));
        Assert.Equal(posted.Select(c => c.CaseId), pages.SelectMany(p => p.Cases).Select(c => c.CaseId));
        Assert.Equal(5, pages[0].MatchingRecords);
        Assert.All(pages[..^1], p => Assert.True(p.Next?.IsAbsoluteUri));
        Assert.Null(pages[^1].Next);
    }

    [Fact]
    public async Task Changes_since_a_time_leave_out_cases_changed_before_it()
    {
        var domain = CommCareFixture.NewDomain();
        var posted = new List<RemoteCase>();
        for (var i = 1; i <= 4; i++)
        {
            posted.Add(Assert.Single((await Client.UpsertAsync(domain, [Patient($"P{i}")])).Cases));
        }

        var since = posted[2].ServerLastModified!.Value;
        var listed = new List<RemoteCase>();
        await foreach (var page in Client.ListChangedAsync(domain, "patient", since))
        {
            listed.AddRange(page.Cases);
        }

        Assert.Equal(posted.Skip(2).Select(c => c.CaseId), listed.Select(c => c.CaseId));
    }

    [Fact]
    public async Task Cases_are_listed_by_a_property_filter()
    {
        var domain = CommCareFixture.NewDomain();
        await Client.UpsertAsync(domain, [Patient("P1", ("transfer_source_case_id", "abc")), Patient("P2", ("transfer_source_case_id", "xyz")), Patient("P3")]);

        var found = new List<RemoteCase>();
        await foreach (var page in Client.ListAsync(domain, [new("case_type", "patient"), new("properties.transfer_source_case_id", "xyz")]))
        {
            found.AddRange(page.Cases);
        }

        Assert.Equal("P2", Assert.Single(found).ExternalId);
    }

    [Fact]
    public async Task A_case_is_closed_by_an_upsert_with_close()
    {
        var domain = CommCareFixture.NewDomain();
        await Client.UpsertAsync(domain, [Patient("P1")]);

        var closed = Assert.Single((await Client.UpsertAsync(domain, [Patient("P1") with { Close = true }])).Cases);

        Assert.True(closed.Closed);
        Assert.NotNull(closed.DateClosed);
    }

    internal static CaseUpsert Patient(string externalId, params (string Name, string Value)[] properties) =>
        new("patient", "Test Person " + externalId, Items.Owner, externalId,
            properties.Length == 0 ? new Dictionary<string, string> { ["first_name"] = "Test" } : properties.ToDictionary(p => p.Name, p => p.Value));

    internal static CaseUpsert LabResult(string externalId) =>
        new("lab_result", "Lab " + externalId, Items.Owner, externalId,
            new Dictionary<string, string> { ["accession_number"] = "A-1", ["lab_result"] = "positive" });

    internal static class Items
    {
        public const string Owner = "loc-0001";
    }
}
