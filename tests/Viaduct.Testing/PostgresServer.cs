using Testcontainers.PostgreSql;

namespace Viaduct.Testing;

/// <summary>
/// The PostgreSQL server tests run against: the one named by <c>VIADUCT_TEST_POSTGRES</c> (an admin
/// connection string; the test command starts a throwaway server and sets it), or, only where that is
/// unset and a Docker engine exists, a Testcontainers server started once per test process.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "VIADUCT_TEST_POSTGRES";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _adminConnectionString;
    private static PostgreSqlContainer? _container;

    public static async Task<string> AdminConnectionStringAsync()
    {
        if (_adminConnectionString is not null)
        {
            return _adminConnectionString;
        }

        await Gate.WaitAsync();
        try
        {
            if (_adminConnectionString is not null)
            {
                return _adminConnectionString;
            }

            var configured = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return _adminConnectionString = configured;
            }

            try
            {
                _container = new PostgreSqlBuilder("postgres:15").Build();
                await _container.StartAsync();
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException(
                    $"{Variable} is not set and no Docker engine answered. Run the tests through scripts/test.sh, " +
                    "which starts a throwaway PostgreSQL and sets it.", ex);
            }

            return _adminConnectionString = _container.GetConnectionString();
        }
        finally
        {
            Gate.Release();
        }
    }
}
