namespace Viaduct.Shared.Data.Model;

/// <summary>Where an index case stands in a transfer to another county, stored as text in <c>index_cases.transfer_state</c>.</summary>
public static class IndexCaseTransferState
{
    public const string None = "none";

    /// <summary>A transfer out of the county was requested and not yet carried out.</summary>
    public const string Pending = "pending";

    /// <summary>The case was transferred out of the county.</summary>
    public const string Sent = "sent";
}
