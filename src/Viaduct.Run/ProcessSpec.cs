namespace Viaduct.Run;

/// <summary>One process to start.</summary>
/// <param name="Name">Its output prefix and the name in messages; unique within a plan.</param>
/// <param name="FileName">The executable (<c>dotnet</c>, <c>bash</c>, a path).</param>
/// <param name="Environment">Set on top of the supervisor's own environment; a null value removes the variable.</param>
/// <param name="WorkingDirectory">Null: the supervisor's current directory.</param>
/// <param name="Url">Where it listens, for the table printed at start; null when it serves nothing.</param>
/// <param name="Paths">Paths under <paramref name="Url"/> worth showing (<c>/health</c>, <c>/metrics</c>).</param>
internal sealed record ProcessSpec(
    string Name,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string?> Environment,
    string? WorkingDirectory = null,
    Uri? Url = null,
    IReadOnlyList<string>? Paths = null);

/// <summary>What the supervisor runs: <see cref="Prepare"/> one after another to completion, then <see cref="Services"/> together.</summary>
/// <param name="Notes">Said before anything starts (a default port that was taken, and so on).</param>
internal sealed record LaunchPlan(IReadOnlyList<ProcessSpec> Prepare, IReadOnlyList<ProcessSpec> Services, IReadOnlyList<string> Notes)
{
    public IEnumerable<ProcessSpec> All => Prepare.Concat(Services);
}
