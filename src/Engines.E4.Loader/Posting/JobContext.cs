using Hangfire.Server;

namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>
/// The running job's id and try number, for the attempts a job records. Hangfire knows them; the job contract does
/// not carry them, so a server filter puts them here for the duration of the job.
/// </summary>
public sealed class JobContext : IServerFilter
{
    private static readonly AsyncLocal<(string JobId, int Attempt)?> CurrentJob = new();

    /// <summary>The job running on this flow, if any: its id and how many times it was retried before.</summary>
    public static (string JobId, int Attempt)? Current => CurrentJob.Value;

    public void OnPerforming(PerformingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        CurrentJob.Value = (context.BackgroundJob.Id, context.GetJobParameter<int>("RetryCount"));
    }

    public void OnPerformed(PerformedContext context) => CurrentJob.Value = null;
}
