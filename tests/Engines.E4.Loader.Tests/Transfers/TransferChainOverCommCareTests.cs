using Viaduct.Engines.E4.Loader.CommCare;
using Viaduct.Engines.E4.Loader.Tests.CommCare;
using Viaduct.Engines.E4.Loader.Transfers;
using Viaduct.Testing;

namespace Viaduct.Engines.E4.Loader.Tests.Transfers;

/// <summary>The walker through <see cref="CommCareTransferChainReader"/> against the real CommCare-like server.</summary>
public sealed class TransferChainOverCommCareTests(CommCareFixture fixture) : IClassFixture<CommCareFixture>, IDisposable
{
    private readonly CommCareClients _clients = new(fixture.Server);

    public void Dispose() => _clients.Dispose();

    [Fact]
    public async Task A_chain_is_followed_through_transfer_source_case_id_and_external_id_across_domains()
    {
        var (first, second, third) = (CommCareFixture.NewDomain(), CommCareFixture.NewDomain(), CommCareFixture.NewDomain());
        var client = _clients.Client;
        var a = await UpsertAsync(client, first, "P1", ("transfer_destination_county_id", "36003"));
        // Made by the transfer: another external id, the source case's id.
        var b = await UpsertAsync(client, second, "T-77", ("transfer_source_case_id", a.CaseId), ("transfer_destination_county_id", "36005"));
        await UpsertAsync(client, second, "P2", ("transfer_source_case_id", "someone-else"));
        // Reached by the person's external id.
        var c = await UpsertAsync(client, third, "P1");
        var counties = new Dictionary<string, string> { ["36001"] = first, ["36003"] = second, ["36005"] = third };

        var result = await TransferChain.ResolveAsync(
            first, "P1", new CommCareTransferChainReader(client), counties.GetValueOrDefault, maxHops: 10, CancellationToken.None);

        Assert.Equal(TransferStop.None, result.Stop);
        Assert.Equal(third, result.Domain);
        Assert.Equal(c.CaseId, result.Case?.CaseId);
        Assert.Equal([a.CaseId, b.CaseId, c.CaseId], result.Hops.Select(h => h.CaseId));
    }

    [Fact]
    public async Task The_open_case_made_from_a_source_case_is_preferred_to_a_closed_one()
    {
        var (first, second) = (CommCareFixture.NewDomain(), CommCareFixture.NewDomain());
        var client = _clients.Client;
        var a = await UpsertAsync(client, first, "P1");
        await client.UpsertAsync(second, [CommCareClientTests.Patient("T-1", ("transfer_source_case_id", a.CaseId)) with { Close = true }]);
        var open = await UpsertAsync(client, second, "T-2", ("transfer_source_case_id", a.CaseId));

        var found = await new CommCareTransferChainReader(client).FindBySourceCaseAsync(second, a.CaseId, CancellationToken.None);

        Assert.Equal(open.CaseId, found?.CaseId);
        Assert.Null(await new CommCareTransferChainReader(client).FindBySourceCaseAsync(second, "no-such-case", CancellationToken.None));
    }

    private static async Task<RemoteCase> UpsertAsync(ICommCareClient client, string domain, string externalId, params (string Name, string Value)[] properties) =>
        Assert.Single((await client.UpsertAsync(domain, [CommCareClientTests.Patient(externalId, properties)])).Cases);
}
