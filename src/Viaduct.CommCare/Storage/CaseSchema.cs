using Npgsql;

namespace Viaduct.CommCare.Storage;

/// <summary>
/// Creates the server's schema at start: idempotent (<c>IF NOT EXISTS</c> throughout) and serialised by an advisory
/// lock, so replicas or test hosts starting together do not trip over each other's <c>CREATE</c>.
/// </summary>
internal sealed class CaseSchema(CaseDatabase database, ILogger<CaseSchema> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken);
        Log.SchemaReady(logger, database.Schema);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var s = database.Schema;
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('viaduct-commcare-schema:' || $1))", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = s });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        var sql = $$"""
            CREATE SCHEMA IF NOT EXISTS {{s}};

            -- One row per project space: its last change stamp. Writers lock it for their whole transaction, so a
            -- domain's changes commit in stamp order and a changes cursor never skips a case committed late.
            CREATE TABLE IF NOT EXISTS {{s}}.domain_clocks (
                domain text PRIMARY KEY,
                stamp timestamptz NOT NULL
            );

            CREATE SEQUENCE IF NOT EXISTS {{s}}.case_change_seq;

            CREATE TABLE IF NOT EXISTS {{s}}.cases (
                case_id text PRIMARY KEY,
                domain text NOT NULL,
                case_type text NOT NULL,
                case_name text NOT NULL,
                owner_id text NOT NULL,
                external_id text NULL,
                properties jsonb NOT NULL DEFAULT '{}',
                indices jsonb NOT NULL DEFAULT '{}',
                closed boolean NOT NULL DEFAULT false,
                date_opened timestamptz NOT NULL,
                date_closed timestamptz NULL,
                last_modified timestamptz NOT NULL,
                server_last_modified timestamptz NOT NULL,
                change_seq bigint NOT NULL,
                created_seq bigint NOT NULL,
                last_xform_id uuid NOT NULL
            );

            CREATE INDEX IF NOT EXISTS cases_domain_external_id ON {{s}}.cases (domain, external_id) WHERE external_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS cases_domain_changes ON {{s}}.cases (domain, server_last_modified, change_seq);
            CREATE INDEX IF NOT EXISTS cases_domain_type_changes ON {{s}}.cases (domain, case_type, server_last_modified, change_seq);

            -- Every upsert request is a form, as in CommCare HQ: the ones applied ('normal') and the ones refused while
            -- being processed ('error', with the problem). Problems name fields and ids, never property values.
            CREATE TABLE IF NOT EXISTS {{s}}.xforms (
                xform_id uuid PRIMARY KEY,
                domain text NOT NULL,
                username text NOT NULL,
                received_on timestamptz NOT NULL DEFAULT now(),
                state text NOT NULL CHECK (state IN ('normal', 'error')),
                case_ids text[] NOT NULL DEFAULT '{}',
                problem text NULL,
                user_agent text NULL
            );

            CREATE INDEX IF NOT EXISTS xforms_domain_received_on ON {{s}}.xforms (domain, received_on);
            """;
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
