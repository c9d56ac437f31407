namespace Viaduct.Shared.Data;

/// <summary>
/// LISTEN/NOTIFY channels. A notification only wakes an engine early; the rows in their ready state
/// are the contract, so a lost notification costs one poll interval, never data.
/// </summary>
public static class Notifications
{
    /// <summary>E1 committed new test_results (payload: file id).</summary>
    public const string TestResultsReady = "viaduct_test_results_ready";

    /// <summary>E2 committed changes to postable index cases (no payload).</summary>
    public const string IndexCasesChanged = "viaduct_index_cases_changed";

    /// <summary>An operator asked E1 to import a file again (<c>viaduct replay-file</c>; payload: file id).</summary>
    public const string FilesReplay = "viaduct_files_replay";
}
