using Viaduct.Engines.E2.Transformer.Tests.Support;
using Viaduct.Shared.Data.Model;
using Viaduct.Testing;
using C = Viaduct.Shared.Eclrs.EclrsColumns;

namespace Viaduct.Engines.E2.Transformer.Tests.Transform;

/// <summary>The real E2 step against real PostgreSQL, one fresh database per test, the loop off.</summary>
public sealed class TransformScenarioTests : E2ScenarioTest
{
    [Fact]
    public async Task A_new_result_becomes_a_person_an_index_case_and_a_lab_result()
    {
        var ids = await StoredResults.AddAsync(Database, ResultRows.Row("K1", "ACC1"));

        Assert.Equal(1, await E2.DrainAsync());

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        var person = Assert.Single(snapshot.People);
        Assert.Equal(["K1"], person.PatientKeys);
        Assert.Equal("1947-03-01|4|MARY|TESTUSER", person.IdentityKey);
        var indexCase = Assert.Single(snapshot.Cases);
        Assert.Equal(("36001", $"P{person.Id}", true, 1), (indexCase.CountyFips, indexCase.ExternalId, indexCase.Postable, indexCase.Version));
        Assert.Equal("Mary Ann", indexCase.Properties["first_name"]);
        Assert.Equal("1947-03-01", indexCase.Properties["dob"]);
        Assert.Equal("test-albany", indexCase.Properties["county_commcare_domain"]);
        var lab = Assert.Single(snapshot.LabResults);
        Assert.Equal(("ACC1", $"P{person.Id}#K1#ACC1", "positive"), (lab.AccessionNumber, lab.ExternalId, lab.Properties["lab_result"]));
        var outcome = Assert.Single(snapshot.Outcomes);
        Assert.Equal((ids[0], TransformOutcomeKind.Transformed, person.Id), (outcome.TestResultId, outcome.Outcome, outcome.PersonId));
        Assert.Equal([indexCase.Id], outcome.IndexCaseIds);
        Assert.Equal(E2TransformerHostExtensions.EngineName, outcome.Engine);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM test_results WHERE transformed_at IS NULL OR transformed_by IS NULL"));
    }

    [Fact]
    public async Task Results_are_claimed_in_batches_and_each_batch_ends_in_one_outcome_per_result()
    {
        await using var small = await E2Host.StartAsync(Database, batchSize: 2);
        await StoredResults.AddAsync(Database, [.. Enumerable.Range(1, 5).Select(i => ResultRows.Row($"K{i}", $"ACC{i}", lastName: $"Person{i}"))]);

        Assert.Equal(2, await small.Transformer.TransformBatchAsync(CancellationToken.None));
        Assert.Equal(2, await small.Transformer.TransformBatchAsync(CancellationToken.None));
        Assert.Equal(1, await small.Transformer.TransformBatchAsync(CancellationToken.None));
        Assert.Equal(0, await small.Transformer.TransformBatchAsync(CancellationToken.None));

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        Assert.Equal(5, snapshot.People.Count);
        Assert.Equal(5, snapshot.Outcomes.Select(o => o.TestResultId).Distinct().Count());
    }

    [Fact]
    public async Task A_second_result_with_the_same_patient_key_adds_its_lab_result_to_the_same_case()
    {
        await StoredResults.AddAsync(Database, ResultRows.Row("K1", "ACC1"));
        await E2.DrainAsync();
        await StoredResults.AddAsync(Database, ResultRows.Row("K1", "ACC2"));
        await E2.DrainAsync();

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        Assert.Single(snapshot.People);
        var indexCase = Assert.Single(snapshot.Cases);
        Assert.Equal(2, indexCase.Version);
        Assert.Equal(["ACC1", "ACC2"], snapshot.LabResults.Select(l => l.AccessionNumber));
        Assert.All(snapshot.Outcomes, o => Assert.Equal(TransformOutcomeKind.Transformed, o.Outcome));
    }

    [Fact]
    public async Task Name_and_date_of_birth_find_the_person_and_add_the_new_patient_key()
    {
        // "Mary Ann" and "MARY" share the first token; the names differ in case only.
        await StoredResults.AddAsync(Database,
            ResultRows.Row("K1", "ACC1", firstName: "Mary Ann", lastName: "Testuser"),
            ResultRows.Row("K2", "ACC2", firstName: "MARY", lastName: "TESTUSER"));

        await E2.DrainAsync();

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        var person = Assert.Single(snapshot.People);
        Assert.Equal(["K1", "K2"], person.PatientKeys);
        Assert.Single(snapshot.Cases);
        Assert.Equal([$"P{person.Id}#K1#ACC1", $"P{person.Id}#K2#ACC2"], snapshot.LabResults.Select(l => l.ExternalId));
    }

    [Fact]
    public async Task The_same_name_with_another_date_of_birth_is_another_person()
    {
        await StoredResults.AddAsync(Database,
            ResultRows.Row("K1", "ACC1"),
            ResultRows.Row("K2", "ACC2", dob: "02MAR1947:00:00:00.000000"));

        await E2.DrainAsync();

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        Assert.Equal(2, snapshot.People.Count);
        Assert.Equal(2, snapshot.Cases.Count);
    }

    [Fact]
    public async Task One_person_in_two_counties_has_a_case_in_each_with_one_external_id()
    {
        await StoredResults.AddAsync(Database, ResultRows.Row("K1", "ACC1", county: "36001"), ResultRows.Row("K1", "ACC2", county: "36005"));

        await E2.DrainAsync();

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        var person = Assert.Single(snapshot.People);
        Assert.Equal(["36001", "36005"], snapshot.Cases.Select(c => c.CountyFips).Order());
        Assert.All(snapshot.Cases, c => Assert.Equal($"P{person.Id}", c.ExternalId));
        Assert.Equal(["Albany", "Bronx"], snapshot.Cases.Select(c => c.Properties["county_display"]).Order());
    }

    [Fact]
    public async Task A_repeated_accession_number_fills_blanks_keeps_values_and_records_what_it_dropped()
    {
        var first = ResultRows.Row("K1", "ACC1", more: [(C.SpecimenSourceName, ""), (C.FacilityName, "FIRST FACILITY")]);
        var second = ResultRows.Row("K1", "ACC1", more: [(C.SpecimenSourceName, "NASOPHARYNX"), (C.FacilityName, "OTHER FACILITY")]);
        await StoredResults.AddAsync(Database, first);
        await E2.DrainAsync();
        var ids = await StoredResults.AddAsync(Database, second);
        await E2.DrainAsync();

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        var lab = Assert.Single(snapshot.LabResults);
        Assert.Equal("NASOPHARYNX", lab.Properties["specimen_source"]);
        Assert.Equal("FIRST FACILITY", lab.Properties["ordering_facility_name"]);
        Assert.Equal(2, lab.Version);
        Assert.Equal(2, Assert.Single(snapshot.Cases).Version);
        Assert.Equal(TransformOutcomeKind.Transformed, snapshot.Outcomes.Single(o => o.TestResultId == ids[0]).Outcome);
        var conflict = await Database.ScalarAsync<string>("""
            SELECT subject_type || '|' || property || '|' || existing_value || '|' || incoming_value || '|' || test_result_id
            FROM merge_conflicts
            """);
        Assert.Equal($"lab_result|ordering_facility_name|FIRST FACILITY|OTHER FACILITY|{ids[0]}", conflict);

        // The same result once more adds nothing: no new version, the outcome says so.
        var third = await StoredResults.AddAsync(Database, second);
        await E2.DrainAsync();
        snapshot = await TransformSnapshot.ReadAsync(Database);
        Assert.Equal(2, Assert.Single(snapshot.Cases).Version);
        Assert.Equal(TransformOutcomeKind.NoNewInformation, snapshot.Outcomes.Single(o => o.TestResultId == third[0]).Outcome);
    }

    [Fact]
    public async Task A_closed_or_transferred_case_is_not_reused_a_new_case_is_opened()
    {
        await StoredResults.AddAsync(Database, ResultRows.Row("K1", "ACC1"));
        await E2.DrainAsync();
        await Database.ExecuteAsync("UPDATE index_cases SET closed = true");
        await StoredResults.AddAsync(Database, ResultRows.Row("K1", "ACC2"));
        await E2.DrainAsync();
        await Database.ExecuteAsync("UPDATE index_cases SET transfer_state = 'pending' WHERE NOT closed");
        await StoredResults.AddAsync(Database, ResultRows.Row("K1", "ACC3"));
        await E2.DrainAsync();

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        Assert.Single(snapshot.People);
        Assert.Equal(3, snapshot.Cases.Count);
        Assert.Equal(["ACC1", "ACC2", "ACC3"], snapshot.Cases.Select(c => snapshot.LabResults.Single(l => l.IndexCaseId == c.Id).AccessionNumber));
    }

    [Fact]
    public async Task An_unknown_county_goes_to_the_statewide_entry_and_a_non_participating_one_is_kept_but_not_posted()
    {
        await StoredResults.AddAsync(Database, ResultRows.Row("K1", "ACC1", county: "1111"), ResultRows.Row("K2", "ACC2", county: "36011", lastName: "Other"));

        await E2.DrainAsync();

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        var statewide = snapshot.Cases.Single(c => c.CountyFips == "36000");
        Assert.True(statewide.Postable);
        Assert.Equal("test-state", statewide.Properties["county_commcare_domain"]);
        var cayuga = snapshot.Cases.Single(c => c.CountyFips == "36011");
        Assert.False(cayuga.Postable);
        Assert.Equal(2, snapshot.LabResults.Count);
        Assert.Equal(4L, await Database.ScalarAsync<long>("SELECT count(*) FROM counties"));
    }

    [Fact]
    public async Task A_result_with_neither_patient_key_nor_name_and_date_of_birth_is_ignored_with_its_reason()
    {
        var ids = await StoredResults.AddAsync(Database, ResultRows.Row("", "ACC1", dob: ""));

        await E2.DrainAsync();

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        Assert.Empty(snapshot.People);
        var outcome = Assert.Single(snapshot.Outcomes);
        Assert.Equal((ids[0], TransformOutcomeKind.Ignored), (outcome.TestResultId, outcome.Outcome));
        Assert.Contains("no patient key", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Results_of_one_person_in_one_batch_make_one_person_and_one_case()
    {
        await StoredResults.AddAsync(Database,
            ResultRows.Row("K1", "ACC1"), ResultRows.Row("", "ACC2"), ResultRows.Row("K3", "ACC3", firstName: "MARY"), ResultRows.Row("K1", "ACC1"));

        await E2.DrainAsync();

        var snapshot = await TransformSnapshot.ReadAsync(Database);
        Assert.Equal(["K1", "K3"], Assert.Single(snapshot.People).PatientKeys);
        Assert.Single(snapshot.Cases);
        Assert.Equal(["ACC1", "ACC2", "ACC3"], snapshot.LabResults.Select(l => l.AccessionNumber));
        Assert.Equal(
            [TransformOutcomeKind.Transformed, TransformOutcomeKind.Transformed, TransformOutcomeKind.Transformed, TransformOutcomeKind.NoNewInformation],
            snapshot.Outcomes.OrderBy(o => o.TestResultId).Select(o => o.Outcome));
    }
}
