using Viaduct.Shared.Data.Operations;
using Viaduct.Testing;

namespace Viaduct.Dashboard.Tests.Support;

/// <summary>
/// A small, known state for the operator page to show, inserted with plain SQL: four files (one waiting for E1, one
/// failed, one a duplicate of another), three test results waiting for E2, one parked case, a live E2 host with an
/// error, and an E4 host that stopped reporting an hour ago after an error.
/// </summary>
public sealed record OperationsRows(long ProcessedFileId, long DuplicateFileId, long FailedFileId, long WaitingFileId, long ParkedCaseId)
{
    public const int ReadyForE2 = 3;
    public const string ProcessedKey = "eclrs/2026-11-23/lab-results-0001.txt";
    public const string DuplicateKey = "eclrs/2026-11-23/lab-results-0001-resent.txt";
    public const string FailedKey = "eclrs/2026-11-23/lab-results-0002.txt";
    public const string WaitingKey = "eclrs/2026-11-23/lab-results-0003.txt";
    public const string FailedFileError = "EclrsFormatException: the header has 12 columns, expected 48";
    public const string CountyFips = "36001";
    public const string ParkedExternalId = "viaduct-ic-000042";
    public const string ParkedReason = "CommCare answered 400 Bad Request: owner_id 'loc-36001' is not a location of domain 'albany-test'";
    public const string E2Error = "NpgsqlException: Exception while reading from stream";
    public const string E4Error = "HttpRequestException: Connection refused (127.0.0.1:5080)";
    public const double E2ItemsPerMinute = 240;

    public static async Task<OperationsRows> InsertAsync(ViaductDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var processed = await database.ScalarAsync<long>("""
            INSERT INTO files (bucket, object_key, etag, state, eclrs_version, row_count, new_count, duplicate_count, bad_count,
                               received_at, processing_at, processed_at)
            VALUES ('inbox', $1, 'etag-1', 'processed', 3, 5, 3, 1, 1,
                    now() - interval '10 minutes', now() - interval '10 minutes', now() - interval '9 minutes')
            RETURNING id
            """, ProcessedKey);
        var duplicate = await database.ScalarAsync<long>("""
            INSERT INTO files (bucket, object_key, etag, state, duplicate_of_file_id, received_at, processed_at)
            VALUES ('inbox', $1, 'etag-2', 'duplicate', $2, now() - interval '6 minutes', now() - interval '6 minutes')
            RETURNING id
            """, DuplicateKey, processed);
        var failed = await database.ScalarAsync<long>("""
            INSERT INTO files (bucket, object_key, etag, state, error, attempts, received_at, failed_at)
            VALUES ('inbox', $1, 'etag-3', 'failed', $2, 3, now() - interval '4 minutes', now() - interval '3 minutes')
            RETURNING id
            """, FailedKey, FailedFileError);
        var waiting = await database.ScalarAsync<long>(
            "INSERT INTO files (bucket, object_key, etag, received_at) VALUES ('inbox', $1, 'etag-4', now() - interval '1 minute') RETURNING id",
            WaitingKey);

        await database.ExecuteAsync("""
            INSERT INTO test_results (file_id, line_number, checksum, eclrs_version, county_code, raw_data, created_at)
            SELECT $1, line, sha256(('row ' || line)::bytea), 3, '01', 'synthetic row', now() - interval '8 minutes'
            FROM generate_series(2, 1 + $2) AS line
            """, processed, ReadyForE2);

        await database.ExecuteAsync(
            "INSERT INTO counties (fips, name, domain, location_id, participating, statewide) VALUES ($1, 'Albany', 'albany-test', 'loc-36001', true, false)",
            CountyFips);
        var person = await database.ScalarAsync<long>("INSERT INTO people (patient_keys, created_by) VALUES ('{K-42}', 'test') RETURNING id");
        var parked = await database.ScalarAsync<long>("""
            INSERT INTO index_cases (person_id, county_fips, external_id, properties, postable, version, enqueued_version,
                                     created_by, post_state, post_error, changed_at)
            VALUES ($1, $2, $3, '{}', true, 1, 1, 'test', 'parked', $4, now() - interval '2 minutes')
            RETURNING id
            """, person, CountyFips, ParkedExternalId, ParkedReason);

        await database.ExecuteAsync("""
            INSERT INTO engine_hosts (engine, host, started_at, seen_at, items_processed, failures, items_per_minute, last_error, last_error_at)
            VALUES ($1, 'test-machine:101', now() - interval '1 hour', now(), 1200, 2, $2, $3, now() - interval '2 minutes'),
                   ($4, 'test-machine:102', now() - interval '2 hours', now() - interval '1 hour', 50, 1, 0, $5, now() - interval '61 minutes')
            """, EngineNames.Transformer, E2ItemsPerMinute, E2Error, EngineNames.Loader, E4Error);

        return new OperationsRows(processed, duplicate, failed, waiting, parked);
    }
}

/// <summary>A database holding <see cref="OperationsRows"/> and a dashboard host on it, for one test class.</summary>
public sealed class SeededDashboard : IAsyncLifetime
{
    public ViaductDatabase Database { get; } = new();

    public OperationsRows Rows { get; private set; } = null!;

    public DashboardHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Rows = await OperationsRows.InsertAsync(Database);
        Host = await DashboardHost.StartAsync(Database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}
