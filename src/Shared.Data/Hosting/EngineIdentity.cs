namespace Viaduct.Shared.Data.Hosting;

/// <summary>Who is doing the work: recorded with every claim and event so an operator can tell replicas apart.</summary>
public sealed record EngineIdentity(string Engine, string Host)
{
    public static EngineIdentity For(string engine) =>
        new(engine, $"{Environment.MachineName}:{Environment.ProcessId}");

    public override string ToString() => $"{Engine}@{Host}";
}
