using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Viaduct.Engines.E5.Sync.CommCare;
using Viaduct.Shared.Data.Hosting;
using Viaduct.Shared.Data.People;
using Viaduct.Shared.Data.Sql;

namespace Viaduct.Engines.E5.Sync.Sync;

/// <summary>
/// Applies one page of a domain's changes in one transaction, together with the domain's cursor: a page is applied
/// whole or not at all, and applying it again changes nothing. Nothing here raises a case's <c>version</c>: values
/// that come down from CommCare are already there, so E3 has nothing to post (no ping-pong).
/// </summary>
/// <remarks>
/// Locks as E2 takes them: advisory transaction locks on the patient keys and identities a new person could be found
/// or made by (ascending), then the people's rows (<c>FOR UPDATE</c>, ascending), then their cases.
/// </remarks>
public sealed class PageApplier(NpgsqlDataSource dataSource, CaseChangesClient commCare, EngineIdentity identity, ILogger<PageApplier> logger)
{
    /// <summary>Applies <paramref name="cases"/> of <paramref name="domain"/> and moves its cursor to <paramref name="cursor"/>. Returns local cases changed.</summary>
    public async Task<int> ApplyAsync(string domain, IReadOnlyList<RemoteCase> cases, DateTime? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        // A case may come twice in a page list (changed during the pull): its latest state is what counts.
        var remote = cases.Where(c => c.CaseType == CaseChangesClient.PatientCaseType)
            .GroupBy(c => c.CaseId, StringComparer.Ordinal).Select(g => g.MaxBy(c => c.ServerLastModified)!).ToList();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var matches = await MatchKnownAsync(connection, domain, remote, cancellationToken);
        var unknown = remote.Where(c => !matches.ContainsKey(c.CaseId)).ToList();
        // Lab result children of cases we do not know are read before the transaction: no locks held over HTTP.
        var children = new Dictionary<string, IReadOnlyList<RemoteCase>>(StringComparer.Ordinal);
        foreach (var newCase in unknown)
        {
            children[newCase.CaseId] = await commCare.ChildrenAsync(domain, newCase.CaseId, cancellationToken);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var keysOf = unknown.ToDictionary(
            c => c.CaseId,
            c => children[c.CaseId].Select(l => SyncIdentity.PatientKeyOf(l.ExternalId)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray(),
            StringComparer.Ordinal);
        var identityOf = unknown.ToDictionary(
            c => c.CaseId,
            c => PersonIdentity.Key(SyncIdentity.ParseDateOfBirth(RemoteValues.Value(c.Properties, "dob")),
                RemoteValues.Value(c.Properties, "last_name"), RemoteValues.Value(c.Properties, "first_name")),
            StringComparer.Ordinal);
        if (unknown.Count > 0)
        {
            // Advisory locks before any row lock, as E2 takes them, so the two never wait on each other in a circle.
            var lockIds = keysOf.Values.SelectMany(k => k).Select(PersonIdentity.PatientKeyLock)
                .Concat(identityOf.Values.OfType<string>().Select(PersonIdentity.IdentityLock))
                .Distinct().Order().ToArray();
            await connection.ExecuteAsync(
                "SELECT count(pg_advisory_xact_lock(l)) FROM (SELECT l FROM unnest($1::bigint[]) AS l ORDER BY l) AS ordered", cancellationToken, lockIds);
        }

        var changed = 0;
        if (matches.Count > 0)
        {
            changed += await UpdateKnownAsync(connection, domain, remote, matches, cancellationToken);
        }

        if (unknown.Count > 0)
        {
            changed += await CreateUnknownAsync(connection, domain, unknown, children, keysOf, identityOf, cancellationToken);
        }

        await connection.ExecuteAsync("""
            UPDATE sync_cursors SET cursor = greatest(cursor, $2), cases_synced = cases_synced + $3 WHERE domain = $1
            """, cancellationToken, domain, cursor, (long)remote.Count);
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    /// <summary>
    /// Local cases the remote cases are: by CommCare case id; else, for our own external ids (<c>P&lt;person&gt;</c>),
    /// the case last posted to this domain or, not yet known by id, the case of this domain's county.
    /// </summary>
    private static async Task<Dictionary<string, long>> MatchKnownAsync(
        NpgsqlConnection connection, string domain, List<RemoteCase> remote, CancellationToken cancellationToken)
    {
        var matches = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var byId = NpgsqlExecution.Command(connection,
            "SELECT case_id, id FROM index_cases WHERE case_id = ANY($1) ORDER BY id", (object)remote.Select(c => c.CaseId).ToArray()))
        await using (var reader = await byId.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                matches.TryAdd(reader.GetString(0), reader.GetInt64(1));
            }
        }

        var ours = remote.Where(c => !matches.ContainsKey(c.CaseId) && SyncIdentity.PersonIdOf(c.ExternalId) is not null).ToList();
        if (ours.Count == 0)
        {
            return matches;
        }

        var byExternalId = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var byExternal = NpgsqlExecution.Command(connection, """
            SELECT c.external_id, c.id
            FROM index_cases c JOIN counties k ON k.fips = c.county_fips
            WHERE c.external_id = ANY($1) AND (c.posted_domain = $2 OR (k.domain = $2 AND c.case_id IS NULL))
            ORDER BY (c.posted_domain = $2) DESC NULLS LAST, c.closed, c.id
            """, ours.Select(c => c.ExternalId!).Distinct(StringComparer.Ordinal).ToArray(), domain))
        await using (var reader = await byExternal.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                byExternalId.TryAdd(reader.GetString(0), reader.GetInt64(1));
            }
        }

        foreach (var remoteCase in ours)
        {
            if (byExternalId.TryGetValue(remoteCase.ExternalId!, out var id))
            {
                matches[remoteCase.CaseId] = id;
            }
        }

        return matches;
    }

    private sealed record LocalCase(
        long Id, string CountyFips, string? CaseId, string? PostedDomain, bool Closed, string TransferState, string? TransferDestinationFips,
        string? TransferSourceCaseId, Dictionary<string, string> Properties, string CountyDomain);

    private async Task<int> UpdateKnownAsync(
        NpgsqlConnection connection, string domain, List<RemoteCase> remote, Dictionary<string, long> matches, CancellationToken cancellationToken)
    {
        var ids = matches.Values.Distinct().Order().ToArray();
        var local = new Dictionary<long, LocalCase>();
        await using (var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                NpgsqlExecution.BatchCommand("""
                    SELECT 1 FROM people WHERE id IN (SELECT person_id FROM index_cases WHERE id = ANY($1)) ORDER BY id FOR UPDATE
                    """, ids),
                NpgsqlExecution.BatchCommand("""
                    SELECT c.id, c.county_fips, c.case_id, c.posted_domain, c.closed, c.transfer_state, c.transfer_destination_fips,
                           c.transfer_source_case_id, c.properties::text, k.domain
                    FROM index_cases c JOIN counties k ON k.fips = c.county_fips
                    WHERE c.id = ANY($1)
                    """, ids),
            },
        })
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                local[reader.GetInt64(0)] = new LocalCase(
                    reader.GetInt64(0), reader.GetString(1), Text(reader, 2), Text(reader, 3), reader.GetBoolean(4), reader.GetString(5),
                    Text(reader, 6), Text(reader, 7), JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(8)) ?? [],
                    reader.GetString(9));
            }
        }

        var updates = new List<(long Id, string Added, string? CaseId, bool Close, string TransferState, string? Destination, string? Source)>();
        var records = new List<(long Id, string CaseId, string Kind, string[] Fields, DateTime Modified)>();
        foreach (var remoteCase in remote)
        {
            if (!matches.TryGetValue(remoteCase.CaseId, out var id) || !local.TryGetValue(id, out var ours))
            {
                continue;
            }

            var added = RemoteValues.Changed(ours.Properties, remoteCase.Properties);
            var fields = added.Keys.Order(StringComparer.Ordinal).ToList();
            // The case of this domain's county not yet known by id (E4's answer was lost): adopt CommCare's id.
            var caseId = ours.CaseId is null && string.Equals(ours.CountyDomain, domain, StringComparison.Ordinal) ? remoteCase.CaseId : null;
            if (caseId is not null)
            {
                fields.Add("case_id");
            }

            var close = remoteCase.Closed && !ours.Closed;
            if (close)
            {
                fields.Add("closed");
            }

            var transferState = ours.TransferState;
            var destination = ours.TransferDestinationFips;
            var source = ours.TransferSourceCaseId;
            var transferFields = new List<string>();
            if (RemoteValues.Value(remoteCase.Properties, RemoteValues.TransferDestination) is { } remoteDestination
                && !string.Equals(remoteDestination, ours.CountyFips, StringComparison.Ordinal)
                && (!string.Equals(remoteDestination, destination, StringComparison.Ordinal) || transferState != "sent"))
            {
                destination = remoteDestination;
                transferState = "sent";
                transferFields.AddRange(["transfer_state", "transfer_destination_fips"]);
            }

            if (RemoteValues.Value(remoteCase.Properties, RemoteValues.TransferSource) is { } remoteSource
                && !string.Equals(remoteSource, source, StringComparison.Ordinal))
            {
                source = remoteSource;
                transferFields.Add("transfer_source_case_id");
            }

            if (fields.Count == 0 && transferFields.Count == 0)
            {
                continue;
            }

            updates.Add((id, JsonSerializer.Serialize(added), caseId, close, transferState, destination, source));
            if (fields.Count > 0)
            {
                records.Add((id, remoteCase.CaseId, "updated", [.. fields], remoteCase.ServerLastModified.UtcDateTime));
            }

            if (transferFields.Count > 0)
            {
                records.Add((id, remoteCase.CaseId, "transferred", [.. transferFields], remoteCase.ServerLastModified.UtcDateTime));
            }
        }

        if (updates.Count == 0)
        {
            return 0;
        }

        updates.Sort((a, b) => a.Id.CompareTo(b.Id));
        // version, changed_at and the posting columns stay as they are: what came from CommCare is there already.
        await connection.ExecuteBatchAsync(cancellationToken,
            new SqlStatement("""
                UPDATE index_cases c SET properties = c.properties || u.added::jsonb, case_id = coalesce(c.case_id, u.case_id),
                    closed = c.closed OR u.close, transfer_state = u.transfer_state, transfer_destination_fips = u.destination,
                    transfer_source_case_id = u.source, updated_by = $8
                FROM unnest($1::bigint[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::text[])
                    AS u(id, added, case_id, close, transfer_state, destination, source)
                WHERE c.id = u.id
                """,
                updates.Select(u => u.Id).ToArray(), updates.Select(u => u.Added).ToArray(), updates.Select(u => u.CaseId).ToArray(),
                updates.Select(u => u.Close).ToArray(), updates.Select(u => u.TransferState).ToArray(),
                updates.Select(u => u.Destination).ToArray(), updates.Select(u => u.Source).ToArray(), identity.ToString()),
            Changes(domain, records));
        return updates.Count;
    }

    private SqlStatement Changes(string domain, List<(long Id, string CaseId, string Kind, string[] Fields, DateTime Modified)> records) => new("""
        INSERT INTO sync_changes (index_case_id, domain, remote_case_id, kind, fields, server_last_modified, engine, host)
        SELECT u.id, $6, u.case_id, u.kind, string_to_array(u.fields, ','), u.modified, $7, $8
        FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS u(id, case_id, kind, fields, modified)
        """,
        records.Select(r => r.Id).ToArray(), records.Select(r => r.CaseId).ToArray(), records.Select(r => r.Kind).ToArray(),
        records.Select(r => string.Join(',', r.Fields)).ToArray(), records.Select(r => r.Modified).ToArray(), domain, identity.Engine, identity.Host);

    /// <summary>
    /// Cases created in CommCare. A destination case of a transfer whose source we hold marks that case transferred;
    /// any other becomes a local case of its person (found by external id, patient key or identity, else created) with
    /// its lab results, recorded as posted so E3 does not send it back.
    /// </summary>
    private async Task<int> CreateUnknownAsync(
        NpgsqlConnection connection, string domain, List<RemoteCase> unknown, Dictionary<string, IReadOnlyList<RemoteCase>> children,
        Dictionary<string, string[]> keysOf, Dictionary<string, string?> identityOf, CancellationToken cancellationToken)
    {
        var fips = await CountyOfDomainAsync(connection, domain, cancellationToken);
        if (fips is null)
        {
            return 0;
        }

        var changed = 0;
        var records = new List<(long Id, string CaseId, string Kind, string[] Fields, DateTime Modified)>();
        foreach (var remoteCase in unknown.OrderBy(c => c.ServerLastModified))
        {
            var modified = remoteCase.ServerLastModified.UtcDateTime;
            if (RemoteValues.Value(remoteCase.Properties, RemoteValues.TransferSource) is { } sourceCaseId
                && await connection.ScalarAsync<long?>(
                    "SELECT id FROM index_cases WHERE case_id = $1 AND county_fips <> $2 ORDER BY id LIMIT 1", cancellationToken, sourceCaseId, fips)
                    is { } sourceId)
            {
                // The destination of a transfer of a case we hold: E4 follows the chain to it, so no second local case.
                await connection.ExecuteAsync(
                    "SELECT 1 FROM people WHERE id = (SELECT person_id FROM index_cases WHERE id = $1) FOR UPDATE", cancellationToken, sourceId);
                var marked = await connection.ExecuteAsync("""
                    UPDATE index_cases SET transfer_state = 'sent', transfer_destination_fips = $2, updated_by = $3
                    WHERE id = $1 AND (transfer_state <> 'sent' OR transfer_destination_fips IS DISTINCT FROM $2)
                    """, cancellationToken, sourceId, fips, identity.ToString());
                if (marked > 0)
                {
                    records.Add((sourceId, remoteCase.CaseId, "transferred", ["transfer_state", "transfer_destination_fips"], modified));
                    changed++;
                }

                continue;
            }

            var personId = await FindOrCreatePersonAsync(connection, remoteCase, keysOf[remoteCase.CaseId], identityOf[remoteCase.CaseId], cancellationToken);
            var properties = RemoteValues.ForNewCase(remoteCase.Properties);
            var caseFips = RemoteValues.Value(remoteCase.Properties, "fips") is { } named
                && await connection.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM counties WHERE fips = $1 AND domain = $2)", cancellationToken, named, domain)
                    ? named
                    : fips;
            var indexCaseId = await connection.ScalarAsync<long>("""
                INSERT INTO index_cases (person_id, county_fips, external_id, case_id, properties, closed, postable, version, enqueued_version,
                    posted_version, post_state, posted_at, posted_domain, transfer_source_case_id, created_by, updated_by)
                SELECT $1, $2, 'P' || $1, $3, $4::jsonb, $5, k.participating, 1, 1, 1, 'posted', now(), $6, $7, $8, $8
                FROM counties k WHERE k.fips = $2
                RETURNING id
                """, cancellationToken, personId, caseFips, remoteCase.CaseId, JsonSerializer.Serialize(properties), remoteCase.Closed, domain,
                RemoteValues.Value(remoteCase.Properties, RemoteValues.TransferSource), identity.ToString());
            await InsertLabResultsAsync(connection, personId, indexCaseId, children[remoteCase.CaseId], cancellationToken);
            records.Add((indexCaseId, remoteCase.CaseId, "created", [.. properties.Keys.Order(StringComparer.Ordinal)], modified));
            Log.Created(logger, indexCaseId, personId, remoteCase.CaseId, domain);
            changed++;
        }

        if (records.Count > 0)
        {
            await connection.ExecuteBatchAsync(cancellationToken, Changes(domain, records));
        }

        return changed;
    }

    /// <summary>
    /// The person of a case created in CommCare; the caller holds the key and identity locks. The person's row is locked
    /// before returning (rows of people found here are locked one by one, after the page's other people: a deadlock with
    /// another writer is possible in principle, and PostgreSQL resolves it by failing one transaction, which is retried).
    /// </summary>
    private async Task<long> FindOrCreatePersonAsync(
        NpgsqlConnection connection, RemoteCase remoteCase, string[] keys, string? identityKey, CancellationToken cancellationToken)
    {
        long? personId = null;
        if (SyncIdentity.PersonIdOf(remoteCase.ExternalId) is { } ours)
        {
            personId = await connection.ScalarAsync<long?>("SELECT id FROM people WHERE id = $1", cancellationToken, ours);
        }

        personId ??= await connection.ScalarAsync<long?>(
            "SELECT person_id FROM person_keys WHERE patient_key = ANY($1) ORDER BY person_id LIMIT 1", cancellationToken, (object)keys);
        if (personId is null && identityKey is not null)
        {
            personId = await connection.ScalarAsync<long?>("SELECT id FROM people WHERE identity_key = $1", cancellationToken, identityKey);
        }

        if (personId is { } found)
        {
            await connection.ExecuteBatchAsync(cancellationToken,
                new SqlStatement("SELECT 1 FROM people WHERE id = $1 FOR UPDATE", found),
                // Keys no one holds yet become this person's, as E2 adds a key to a person found by identity.
                new SqlStatement("""
                    WITH added AS (
                        INSERT INTO person_keys (patient_key, person_id) SELECT k, $1 FROM unnest($2::text[]) AS k
                        ON CONFLICT (patient_key) DO NOTHING RETURNING patient_key)
                    UPDATE people SET patient_keys = patient_keys || (SELECT array_agg(patient_key) FROM added), updated_at = now()
                    WHERE id = $1 AND EXISTS (SELECT 1 FROM added)
                    """, found, keys));
            return found;
        }

        var dob = SyncIdentity.ParseDateOfBirth(RemoteValues.Value(remoteCase.Properties, "dob"));
        var created = await connection.ScalarAsync<long>("""
            INSERT INTO people (patient_keys, identity_key, last_name, first_name, date_of_birth, created_by)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """, cancellationToken, keys, identityKey, RemoteValues.Value(remoteCase.Properties, "last_name"),
            RemoteValues.Value(remoteCase.Properties, "first_name"), (object?)dob, identity.ToString());
        await connection.ExecuteAsync(
            "INSERT INTO person_keys (patient_key, person_id) SELECT k, $1 FROM unnest($2::text[]) AS k", cancellationToken, created, keys);
        return created;
    }

    private async Task InsertLabResultsAsync(
        NpgsqlConnection connection, long personId, long indexCaseId, IReadOnlyList<RemoteCase> labs, CancellationToken cancellationToken)
    {
        var rows = labs
            .Select(l => (Lab: l, Accession: RemoteValues.Value(l.Properties, "accession_number") ?? SyncIdentity.AccessionOf(l.ExternalId) ?? l.CaseId))
            .DistinctBy(r => r.Accession, StringComparer.Ordinal)
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        await connection.ExecuteAsync("""
            INSERT INTO lab_results (index_case_id, accession_number, external_id, case_id, properties, version, posted_version, created_by)
            SELECT $1, u.accession, u.external_id, u.case_id, u.properties::jsonb, 1, 1, $6
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(accession, external_id, case_id, properties)
            """, cancellationToken, indexCaseId, rows.Select(r => r.Accession).ToArray(),
            rows.Select(r => r.Lab.ExternalId ?? $"P{personId}##{r.Accession}").ToArray(), rows.Select(r => r.Lab.CaseId).ToArray(),
            rows.Select(r => JsonSerializer.Serialize(RemoteValues.ForNewCase(r.Lab.Properties))).ToArray(), identity.ToString());
    }

    /// <summary>The county whose cases go to <paramref name="domain"/> (a participating one first).</summary>
    private static Task<string?> CountyOfDomainAsync(NpgsqlConnection connection, string domain, CancellationToken cancellationToken) =>
        connection.ScalarAsync<string>(
            "SELECT fips FROM counties WHERE domain = $1 ORDER BY participating DESC, statewide, fips LIMIT 1", cancellationToken, domain);

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
