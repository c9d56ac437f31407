using Npgsql;

namespace Viaduct.Shared.Data.Sql;

/// <summary>
/// Positional-parameter SQL without ceremony. Several statements go as one <see cref="NpgsqlBatch"/>: one
/// round trip, and each statement keeps its own <c>$n</c> parameters.
/// </summary>
public static class NpgsqlExecution
{
    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<T?> ScalarAsync<T>(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)value;
    }

    public static async Task ExecuteBatchAsync(this NpgsqlConnection connection, CancellationToken cancellationToken, params SqlStatement[] statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var statement in statements)
        {
            var command = new NpgsqlBatchCommand(statement.Sql);
            foreach (var parameter in statement.Parameters)
            {
                command.Parameters.Add(Parameter(parameter));
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(Parameter(parameter));
        }

        return command;
    }

    /// <summary>One statement for an <see cref="NpgsqlBatch"/> that is read with a data reader.</summary>
    public static NpgsqlBatchCommand BatchCommand(string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(Parameter(parameter));
        }

        return command;
    }

    private static NpgsqlParameter Parameter(object? value) =>
        value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value };
}

/// <summary>One statement of a batch with its positional parameters.</summary>
public sealed record SqlStatement(string Sql, params object?[] Parameters);
