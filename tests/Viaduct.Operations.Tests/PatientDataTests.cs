using Serilog;
using Serilog.Events;
using Viaduct.Operations.Tests.Support;

namespace Viaduct.Operations.Tests;

/// <summary>The search the pipeline's log test relies on finds patient data wherever an event carries it, and only whole values.</summary>
public sealed class PatientDataTests
{
    private static readonly PatientData Patients = PatientData.Of(
        ["TESTPERSON", "SAGE", "12 MAIN ST", "(555) 123-4567", "5551234567"], [new DateOnly(1961, 2, 14)]);

    [Fact]
    public void A_name_in_the_message_a_phone_in_a_nested_property_and_an_address_in_an_exception_are_found()
    {
        var events = Log(logger =>
        {
            logger.Information("Matched {Name}", "Testperson");
            logger.Information("Case {@Case}", new { Contact = new { Phones = new[] { "5551234567" } } });
            logger.Warning(new InvalidOperationException("no county for 12 Main St"), "Routing failed");
        });

        Assert.Equal(["TESTPERSON"], Patients.FoundIn(events[0]).Select(v => v.ToUpperInvariant()));
        Assert.Equal(["5551234567"], Patients.FoundIn(events[1]));
        Assert.Equal(["12 MAIN ST"], Patients.FoundIn(events[2]).Select(v => v.ToUpperInvariant()));
    }

    [Fact]
    public void A_date_of_birth_is_found_as_text_in_any_usual_form_and_as_a_typed_date()
    {
        var events = Log(logger =>
        {
            logger.Information("Born {Text}", "02/14/1961");
            logger.Information("Born {Date}", new DateOnly(1961, 2, 14));
            logger.Information("Born {Time}", new DateTime(1961, 2, 14, 0, 0, 0, DateTimeKind.Utc));
        });

        Assert.All(events, e => Assert.NotEmpty(Patients.FoundIn(e)));
    }

    [Fact]
    public void A_value_inside_a_longer_word_or_number_is_not_patient_data()
    {
        var events = Log(logger => logger.Information("{Message} about {Count} rows ({Usage})", "message", 155512345678L, "usage"));

        Assert.Empty(Patients.FoundIn(Assert.Single(events)));
    }

    private static List<LogEvent> Log(Action<ILogger> write)
    {
        var events = new LogEvents();
        var configuration = new LoggerConfiguration();
        events.Configure(configuration);
        using (var logger = configuration.CreateLogger())
        {
            write(logger);
        }

        return [.. events.All];
    }
}
