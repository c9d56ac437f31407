using Viaduct.Shared.Eclrs;
using Viaduct.Engines.E1.Extractor.Tests.Support;
using Viaduct.Testing;

namespace Viaduct.Engines.E1.Extractor.Tests.Import;

public sealed class LogPrivacyTests(DatabaseAndInbox fixture) : IClassFixture<DatabaseAndInbox>
{
    // What the rows below say about the patient; none of it may reach a log line.
    private static readonly string[] PatientData =
        ["PRIVATELASTNAME", "PRIVATEFIRSTNAME", "14FEB1961", "1961-02-14", "1961", "12 UNIQUESTREET RD", "UNIQUESTREET", "5550001111"];

    [Fact]
    public async Task No_patient_name_date_of_birth_address_or_phone_appears_in_any_log_line()
    {
        var row = EclrsText.Row(EclrsVersion.V3, "PRIVACY-1", lastName: "PRIVATELASTNAME", firstName: "PRIVATEFIRSTNAME",
            dob: "14FEB1961:00:00:00.000000");
        await fixture.Inbox.PutAsync("inbox/privacy.txt", EclrsText.File(EclrsVersion.V3, row, row + "|too-many", row.Replace("|36001|", "|ABC|", StringComparison.Ordinal)));
        await fixture.Inbox.PutAsync("inbox/privacy-copy.txt", EclrsText.File(EclrsVersion.V3, row, row + "|too-many", row.Replace("|36001|", "|ABC|", StringComparison.Ordinal)));
        await fixture.Inbox.PutAsync("inbox/privacy-bad-header.txt", row + "\n" + row + "\n");

        var logs = new LogCapture();
        await using (var e1 = await E1Host.StartAsync(fixture, logs))
        {
            await e1.DrainAsync();
        }

        // The capture works: it saw the import of each file.
        Assert.Contains(logs.Lines, line => line.Contains("\"ImportFinished\"", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains("\"DuplicateFile\"", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains("\"FileRejected\"", StringComparison.Ordinal));
        foreach (var secret in PatientData)
        {
            Assert.DoesNotContain(logs.Lines, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }
}
