using Viaduct.CommCare.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.CommCare.Tests;

public sealed class LogPrivacyTests
{
    [Fact]
    public async Task Logs_never_hold_case_property_values_even_of_refused_requests()
    {
        var database = new CommCareDatabase();
        await database.InitializeAsync();
        var logs = new LogCapture();
        try
        {
            await using (var server = await CommCareServer.StartAsync(database, logs: logs))
            {
                var person = new Dictionary<string, string>
                {
                    ["first_name"] = "Zebulon", ["last_name"] = "Quillfeather", ["dob"] = "1931-07-14",
                    ["address_street"] = "77 Sunnyvale Crescent", ["contact_phone_number"] = "555-0199",
                };
                var domain = CommCareFixture.NewDomain();
                await server.UpsertAsync(domain, new[] { Items.Patient("P1", person) });
                await server.UpsertAsync(domain, new[] { Items.Patient("P1", person) });
                (await server.PostCasesAsync(domain, new object[] { Items.Patient("P2", person), Items.Patient("P3").With("properties", new { dob = 19310714 }) })).Dispose();
                (await server.PostCasesAsync(domain, new object[] { Items.Patient("P4", person).With("case_type", null) })).Dispose();
                await server.ChangeFaultsAsync(new { script = new object[] { 503, "after_apply" } });
                (await server.PostCasesAsync(domain, new[] { Items.Patient("P5", person) })).Dispose();
                (await server.PostCasesAsync(domain, new[] { Items.Patient("P5", person) })).Dispose();
                (await server.Client.GetAsync($"/a/{domain}/api/case/v2/?case_type=patient")).Dispose();
            }

            var text = logs.AllText;
            Assert.Contains("refused", text, StringComparison.Ordinal);
            Assert.Contains("Injected fault", text, StringComparison.Ordinal);
            foreach (var value in new[] { "Zebulon", "Quillfeather", "1931-07-14", "19310714", "Sunnyvale", "555-0199" })
            {
                Assert.DoesNotContain(value, text, StringComparison.Ordinal);
            }
        }
        finally
        {
            await database.DisposeAsync();
        }
    }
}
