using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Viaduct.CommCare.Storage;

/// <summary>Reads and writes cases and forms in the server's schema, in raw Npgsql.</summary>
internal sealed class CaseStore(CaseDatabase database)
{
    private const string Columns =
        "case_id, domain, case_type, case_name, owner_id, external_id, properties::text, indices::text, closed, " +
        "date_opened, date_closed, last_modified, server_last_modified, change_seq";

    private static readonly JsonSerializerOptions Json = new();

    private string S => database.Schema;

    /// <summary>Case ids by external id, oldest case first (an external id is not unique in CommCare).</summary>
    public async Task<Dictionary<string, List<string>>> CaseIdsByExternalIdAsync(
        string domain, IReadOnlyCollection<string> externalIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (externalIds.Count == 0)
        {
            return found;
        }

        await using var command = database.DataSource.CreateCommand(
            $"SELECT external_id, case_id FROM {S}.cases WHERE domain = $1 AND external_id = ANY($2) ORDER BY created_seq");
        command.Parameters.Add(new NpgsqlParameter { Value = domain });
        command.Parameters.Add(new NpgsqlParameter { Value = externalIds.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var externalId = reader.GetString(0);
            if (!found.TryGetValue(externalId, out var caseIds))
            {
                found[externalId] = caseIds = [];
            }

            caseIds.Add(reader.GetString(1));
        }

        return found;
    }

    /// <summary>Which of the ids name a case of the domain.</summary>
    public async Task<HashSet<string>> ExistingCaseIdsAsync(string domain, IReadOnlyCollection<string> caseIds, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (caseIds.Count == 0)
        {
            return found;
        }

        await using var command = database.DataSource.CreateCommand($"SELECT case_id FROM {S}.cases WHERE domain = $1 AND case_id = ANY($2)");
        command.Parameters.Add(new NpgsqlParameter { Value = domain });
        command.Parameters.Add(new NpgsqlParameter { Value = caseIds.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    public async Task<StoredCase?> GetAsync(string domain, string caseId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand($"SELECT {Columns} FROM {S}.cases WHERE domain = $1 AND case_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = domain });
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        return (await ReadCasesAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>The oldest case with the external id: CommCare HQ returns only one case when the id is not unique.</summary>
    public async Task<StoredCase?> GetByExternalIdAsync(string domain, string externalId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"SELECT {Columns} FROM {S}.cases WHERE domain = $1 AND external_id = $2 ORDER BY created_seq LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = domain });
        command.Parameters.Add(new NpgsqlParameter { Value = externalId });
        return (await ReadCasesAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>
    /// Up to <paramref name="limit"/> cases after <paramref name="after"/>, oldest change first, and whether more follow.
    /// </summary>
    public async Task<(IReadOnlyList<StoredCase> Cases, bool More)> ListAsync(
        string domain, CaseListFilter filter, ChangePosition? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand();
        var where = Where(command, domain, filter, after);
        command.CommandText = $"SELECT {Columns} FROM {S}.cases WHERE {where} ORDER BY server_last_modified, change_seq LIMIT {limit + 1}";
        var cases = await ReadCasesAsync(command, cancellationToken);
        var more = cases.Count > limit;
        if (more)
        {
            cases.RemoveAt(cases.Count - 1);
        }

        return (cases, more);
    }

    public async Task<long> CountAsync(string domain, CaseListFilter filter, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand();
        var where = Where(command, domain, filter, after: null);
        command.CommandText = $"SELECT count(*) FROM {S}.cases WHERE {where}";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Applies one request's changes as one form, in one transaction. The domain's clock row is locked first and held
    /// to commit: a domain's writers commit one after the other, each with a later stamp, so the changes list (ordered by
    /// stamp, then sequence) only ever grows at its end. The cases the plan updates are read after that lock.
    /// </summary>
    /// <returns>The state of each planned change's case after the whole request, in plan order.</returns>
    /// <exception cref="MissingCaseException">A case to update is gone, or is updated before the row that creates it.</exception>
    public async Task<IReadOnlyList<StoredCase>> ApplyAsync(
        string domain, FormInfo form, IReadOnlyList<PlannedChange> plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(plan);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        DateTime stamp;
        await using (var clock = new NpgsqlCommand(
            $"""
            INSERT INTO {S}.domain_clocks AS c (domain, stamp) VALUES ($1, clock_timestamp())
            ON CONFLICT (domain) DO UPDATE SET stamp = greatest(clock_timestamp(), c.stamp + interval '1 microsecond')
            RETURNING stamp
            """, connection, transaction))
        {
            clock.Parameters.Add(new NpgsqlParameter { Value = domain });
            stamp = (DateTime)(await clock.ExecuteScalarAsync(cancellationToken))!;
        }

        var created = plan.Where(change => change.IsNew).Select(change => change.CaseId).ToHashSet(StringComparer.Ordinal);
        var toLoad = plan.Where(change => !change.IsNew && !created.Contains(change.CaseId)).Select(change => change.CaseId).Distinct().ToArray();
        var states = new Dictionary<string, StoredCase>(StringComparer.Ordinal);
        if (toLoad.Length > 0)
        {
            await using var load = new NpgsqlCommand($"SELECT {Columns} FROM {S}.cases WHERE domain = $1 AND case_id = ANY($2)", connection, transaction);
            load.Parameters.Add(new NpgsqlParameter { Value = domain });
            load.Parameters.Add(new NpgsqlParameter { Value = toLoad });
            foreach (var loaded in await ReadCasesAsync(load, cancellationToken))
            {
                states[loaded.CaseId] = loaded;
            }
        }

        var touched = new List<StoredCase>();
        var results = new List<StoredCase>(plan.Count);
        foreach (var change in plan)
        {
            if (!states.TryGetValue(change.CaseId, out var state))
            {
                if (!change.IsNew)
                {
                    throw new MissingCaseException(change.Row, change.CaseId);
                }

                state = new StoredCase
                {
                    CaseId = change.CaseId,
                    Domain = domain,
                    CaseType = change.Change.CaseType!,
                    CaseName = change.Change.CaseName!,
                    OwnerId = change.Change.OwnerId!,
                    DateOpened = stamp,
                };
                states[change.CaseId] = state;
            }

            if (!touched.Contains(state))
            {
                touched.Add(state);
            }

            Apply(state, change, stamp);
            results.Add(state);
        }

        var seqs = new List<long>(touched.Count);
        await using (var next = new NpgsqlCommand($"SELECT nextval('{S}.case_change_seq') FROM generate_series(1, $1)", connection, transaction))
        {
            next.Parameters.Add(new NpgsqlParameter { Value = touched.Count });
            await using var reader = await next.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                seqs.Add(reader.GetInt64(0));
            }
        }

        seqs.Sort();
        for (var i = 0; i < touched.Count; i++)
        {
            touched[i].ChangeSeq = seqs[i];
        }

        await WriteCasesAsync(connection, transaction, domain, stamp, form.XFormId, touched, cancellationToken);
        await InsertFormAsync(connection, transaction, domain, form, "normal", touched.Select(c => c.CaseId).ToArray(), problem: null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    /// <summary>Records a form refused while it was processed (CommCare HQ's XFormError): no case changes.</summary>
    public async Task RecordErrorFormAsync(string domain, FormInfo form, string problem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await InsertFormAsync(connection, transaction: null, domain, form, "error", [], problem, cancellationToken);
    }

    /// <summary>Forgets every case and form, of one domain or of all (tests and benchmarks start clean).</summary>
    public async Task<long> DeleteAllAsync(string? domain, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var filter = domain is null ? "" : " WHERE domain = $1";
        long deleted;
        await using (var cases = new NpgsqlCommand($"DELETE FROM {S}.cases{filter}", connection, transaction))
        {
            if (domain is not null)
                cases.Parameters.Add(new NpgsqlParameter { Value = domain });
            deleted = await cases.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var forms = new NpgsqlCommand($"DELETE FROM {S}.xforms{filter}", connection, transaction))
        {
            if (domain is not null)
                forms.Parameters.Add(new NpgsqlParameter { Value = domain });
            await forms.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    private static void Apply(StoredCase state, PlannedChange planned, DateTime stamp)
    {
        var change = planned.Change;
        if (change.CaseType is not null)
            state.CaseType = change.CaseType;
        if (change.CaseName is not null)
            state.CaseName = change.CaseName;
        if (change.OwnerId is not null)
            state.OwnerId = change.OwnerId;
        if (change.ExternalId is not null)
            state.ExternalId = change.ExternalId;
        foreach (var (name, value) in change.Properties)
        {
            state.Properties[name] = value;
        }

        foreach (var (name, index) in planned.Indices)
        {
            if (index is null)
                state.Indices.Remove(name);
            else
                state.Indices[name] = index;
        }

        if (change.Close && !state.Closed)
        {
            state.Closed = true;
            state.DateClosed = stamp;
        }

        state.LastModified = stamp;
        state.ServerLastModified = stamp;
    }

    private async Task WriteCasesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string domain, DateTime stamp, Guid xformId,
        List<StoredCase> cases, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {S}.cases AS c (case_id, domain, case_type, case_name, owner_id, external_id, properties, indices, closed,
                                        date_opened, date_closed, last_modified, server_last_modified, change_seq, created_seq, last_xform_id)
            SELECT u.case_id, $1, u.case_type, u.case_name, u.owner_id, u.external_id, u.properties::jsonb, u.indices::jsonb, u.closed,
                   u.date_opened, u.date_closed, $2, $2, u.change_seq, u.change_seq, $3
            FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[],
                        $12::timestamptz[], $13::timestamptz[], $14::bigint[])
                 AS u(case_id, case_type, case_name, owner_id, external_id, properties, indices, closed, date_opened, date_closed, change_seq)
            ON CONFLICT (case_id) DO UPDATE SET
                case_type = excluded.case_type, case_name = excluded.case_name, owner_id = excluded.owner_id,
                external_id = excluded.external_id, properties = excluded.properties, indices = excluded.indices,
                closed = excluded.closed, date_closed = excluded.date_closed, last_modified = excluded.last_modified,
                server_last_modified = excluded.server_last_modified, change_seq = excluded.change_seq,
                last_xform_id = excluded.last_xform_id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = domain });
        command.Parameters.Add(new NpgsqlParameter { Value = stamp, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = xformId });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.CaseId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.CaseType).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.CaseName).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.OwnerId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.ExternalId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => JsonSerializer.Serialize(c.Properties, Json)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => JsonSerializer.Serialize(c.Indices, Json)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.Closed).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.DateOpened).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.DateClosed).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = cases.Select(c => c.ChangeSeq).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task InsertFormAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string domain, FormInfo form, string state, string[] caseIds,
        string? problem, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {S}.xforms (xform_id, domain, username, state, case_ids, problem, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = form.XFormId });
        command.Parameters.Add(new NpgsqlParameter { Value = domain });
        command.Parameters.Add(new NpgsqlParameter { Value = form.Username });
        command.Parameters.Add(new NpgsqlParameter { Value = state });
        command.Parameters.Add(new NpgsqlParameter { Value = caseIds });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)problem ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)form.UserAgent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Where(NpgsqlCommand command, string domain, CaseListFilter filter, ChangePosition? after)
    {
        var where = new StringBuilder();
        where.Append("domain = ").Append(Parameter(command, domain));
        AnyOf(command, where, "case_type", filter.CaseTypes);
        AnyOf(command, where, "owner_id", filter.OwnerIds);
        AnyOf(command, where, "external_id", filter.ExternalIds);
        AnyOf(command, where, "case_name", filter.CaseNames);
        if (filter.Closed is { } closed)
        {
            where.Append(" AND closed = ").Append(Parameter(command, closed));
        }

        foreach (var bound in filter.DateBounds)
        {
            var column = bound.Column switch
            {
                CaseTimeColumn.ServerLastModified => "server_last_modified",
                CaseTimeColumn.LastModified => "last_modified",
                CaseTimeColumn.DateOpened => "date_opened",
                _ => "date_closed",
            };
            var comparison = bound.Comparison switch
            {
                Comparison.GreaterThan => ">",
                Comparison.GreaterThanOrEqual => ">=",
                Comparison.LessThan => "<",
                _ => "<=",
            };
            where.Append(" AND ").Append(column).Append(' ').Append(comparison).Append(' ')
                .Append(Parameter(command, bound.Value, NpgsqlDbType.TimestampTz));
        }

        foreach (var (name, value) in filter.Properties)
        {
            where.Append(" AND coalesce(properties ->> ").Append(Parameter(command, name)).Append(", '') = ").Append(Parameter(command, value));
        }

        foreach (var (name, caseId) in filter.Indices)
        {
            where.Append(" AND indices -> ").Append(Parameter(command, name)).Append(" ->> 'case_id' = ").Append(Parameter(command, caseId));
        }

        if (after is { } position)
        {
            where.Append(" AND (server_last_modified, change_seq) > (")
                .Append(Parameter(command, position.Stamp, NpgsqlDbType.TimestampTz)).Append(", ")
                .Append(Parameter(command, position.Seq)).Append(')');
        }

        return where.ToString();
    }

    private static void AnyOf(NpgsqlCommand command, StringBuilder where, string column, List<string> values)
    {
        if (values.Count > 0)
        {
            where.Append(" AND ").Append(column).Append(" = ANY(").Append(Parameter(command, values.ToArray())).Append(')');
        }
    }

    private static string Parameter(NpgsqlCommand command, object value, NpgsqlDbType? type = null)
    {
        var parameter = new NpgsqlParameter { Value = value };
        if (type is { } dbType)
        {
            parameter.NpgsqlDbType = dbType;
        }

        command.Parameters.Add(parameter);
        return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<StoredCase>> ReadCasesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var cases = new List<StoredCase>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(new StoredCase
            {
                CaseId = reader.GetString(0),
                Domain = reader.GetString(1),
                CaseType = reader.GetString(2),
                CaseName = reader.GetString(3),
                OwnerId = reader.GetString(4),
                ExternalId = reader.IsDBNull(5) ? null : reader.GetString(5),
                Properties = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6), Json) ?? [],
                Indices = JsonSerializer.Deserialize<Dictionary<string, CaseIndex>>(reader.GetString(7), Json) ?? [],
                Closed = reader.GetBoolean(8),
                DateOpened = reader.GetDateTime(9),
                DateClosed = reader.IsDBNull(10) ? null : reader.GetDateTime(10),
                LastModified = reader.GetDateTime(11),
                ServerLastModified = reader.GetDateTime(12),
                ChangeSeq = reader.GetInt64(13),
            });
        }

        return cases;
    }
}

/// <summary>Who sent a form, and its id.</summary>
internal sealed record FormInfo(Guid XFormId, string Username, string? UserAgent);

/// <summary>
/// One item of a request with its target resolved: the case it changes (a new id when <see cref="IsNew"/>), and its
/// indices resolved to case ids (null removes the index).
/// </summary>
internal sealed record PlannedChange(
    int Row, string CaseId, bool IsNew, Api.CaseChange Change, IReadOnlyDictionary<string, CaseIndex?> Indices);

/// <summary>A case a request updates was not there when its changes were applied.</summary>
internal sealed class MissingCaseException : Exception
{
    public MissingCaseException(int row, string caseId)
        : base($"Error in row {row}: No case found with ID '{caseId}'")
    {
    }

    public MissingCaseException()
    {
    }

    public MissingCaseException(string message)
        : base(message)
    {
    }

    public MissingCaseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
