namespace Viaduct.Shared.Data.Operations;

/// <summary>How a host reports on itself (section <c>Operations</c>).</summary>
public sealed class OperationsOptions
{
    public const string Section = "Operations";

    /// <summary>How often the host reads its backlog and writes its row in <c>engine_hosts</c>.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows of hosts silent for longer than this are removed by the next host of the same engine.</summary>
    public TimeSpan ForgetHostsAfter { get; set; } = TimeSpan.FromDays(1);

    public IEnumerable<string> Problems()
    {
        if (ReportInterval < TimeSpan.FromMilliseconds(100) || ReportInterval > TimeSpan.FromMinutes(5))
        {
            yield return "Operations:ReportInterval must be between 00:00:00.1 and 00:05:00";
        }

        if (ForgetHostsAfter < TimeSpan.FromMinutes(1))
        {
            yield return "Operations:ForgetHostsAfter must be at least 00:01:00";
        }
    }
}
