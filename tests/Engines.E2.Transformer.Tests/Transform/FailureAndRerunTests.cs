using Viaduct.Engines.E2.Transformer.Tests.Support;
using Viaduct.Shared.Data.Model;
using Viaduct.Testing;

namespace Viaduct.Engines.E2.Transformer.Tests.Transform;

/// <summary>A result at fault fails alone; transforming the same results again changes nothing.</summary>
public sealed class FailureAndRerunTests : E2ScenarioTest
{
    [Fact]
    public async Task A_result_that_cannot_be_read_fails_with_its_error_while_the_rest_of_its_batch_is_transformed()
    {
        var ids = await StoredResults.AddAsync(Database,
            ResultRows.Row("K1", "ACC1"), "not|an|eclrs|row", ResultRows.Row("K3", "ACC3", lastName: "Other"));

        Assert.Equal(3, await E2.DrainAsync());

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        Assert.Equal(2, snapshot.People.Count);
        var failed = Assert.Single(snapshot.Outcomes, o => o.Outcome == TransformOutcomeKind.Failed);
        Assert.Equal(ids[1], failed.TestResultId);
        Assert.StartsWith("FormatException:", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(2, snapshot.Outcomes.Count(o => o.Outcome == TransformOutcomeKind.Transformed));
    }

    [Fact]
    public async Task A_result_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_written()
    {
        // A trigger stands in for any data the database refuses: it rejects one accession number.
        await Database.ExecuteAsync("""
            CREATE FUNCTION reject_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.accession_number = 'POISON' THEN RAISE EXCEPTION 'poisoned accession number' USING ERRCODE = 'P0001'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER reject_poison BEFORE INSERT ON lab_results FOR EACH ROW EXECUTE FUNCTION reject_poison();
            """);
        var ids = await StoredResults.AddAsync(Database,
            ResultRows.Row("K1", "ACC1"), ResultRows.Row("K2", "POISON", lastName: "Poisoned"), ResultRows.Row("K1", "ACC3"));

        Assert.Equal(3, await E2.DrainAsync());

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        var failed = Assert.Single(snapshot.Outcomes, o => o.Outcome == TransformOutcomeKind.Failed);
        Assert.Equal(ids[1], failed.TestResultId);
        Assert.Equal("SQLSTATE P0001: poisoned accession number", failed.Detail);
        // Nothing of the poisoned result stays behind: not even its person.
        Assert.Equal(["K1"], Assert.Single(snapshot.People).PatientKeys);
        Assert.Equal(["ACC1", "ACC3"], snapshot.LabResults.Select(l => l.AccessionNumber));
        Assert.Equal(3, snapshot.Outcomes.Count);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE transformed_at IS NULL"));
    }

    [Fact]
    public async Task Transforming_already_transformed_results_again_changes_nothing()
    {
        await StoredResults.AddAsync(Database,
            ResultRows.Row("K1", "ACC1"), ResultRows.Row("K2", "ACC2", firstName: "MARY"), ResultRows.Row("K1", "ACC1", county: "36005"),
            ResultRows.Row("K9", "ACC9", lastName: "Other", county: "36011"), ResultRows.Row("K8", "ACC8", lastName: "Else", county: "999"));
        await E2.DrainAsync();
        var before = await TransformSnapshot.ReadAsync(Database);

        await Database.ExecuteAsync("UPDATE test_results SET transformed_at = NULL, transformed_by = NULL");
        Assert.Equal(5, await E2.DrainAsync());

        var after = await TransformSnapshot.ReadAsync(Database);
        Assert.Equal(before.People, after.People, PersonComparer.Instance);
        Assert.Equal(before.Canonical(), after.Canonical());
        Assert.Equal(before.Cases.Select(c => (c.Id, c.Version)), after.Cases.Select(c => (c.Id, c.Version)));
        Assert.Equal(before.LabResults.Select(l => (l.Id, l.Version)), after.LabResults.Select(l => (l.Id, l.Version)));
        Assert.Equal(before.Conflicts, after.Conflicts);
        Assert.NotEmpty(before.Conflicts);
        Assert.All(after.Outcomes.Skip(before.Outcomes.Count), o => Assert.Equal(TransformOutcomeKind.NoNewInformation, o.Outcome));
        Assert.Equal(5, after.Outcomes.Count - before.Outcomes.Count);
    }

    private sealed class PersonComparer : IEqualityComparer<PersonRow>
    {
        public static readonly PersonComparer Instance = new();

        public bool Equals(PersonRow? x, PersonRow? y) =>
            x is not null && y is not null && x.Id == y.Id && x.IdentityKey == y.IdentityKey && x.PatientKeys.SequenceEqual(y.PatientKeys);

        public int GetHashCode(PersonRow obj) => obj.Id.GetHashCode();
    }
}
