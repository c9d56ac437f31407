using System.ComponentModel;

namespace Viaduct.Shared.Data.Jobs;

/// <summary>
/// The Hangfire job contract between E3 (which enqueues it) and E4 (which implements and runs it): post these index
/// cases, all of one CommCare domain, with their lab results. The job reads the cases when it runs, so it always
/// posts their latest state, and it records an outcome per case.
/// </summary>
public interface ICasePostingJob
{
    [DisplayName("Post {1} to {0}")]
    Task PostAsync(string domain, long[] indexCaseIds, CancellationToken cancellationToken);
}
