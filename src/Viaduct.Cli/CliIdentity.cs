using Viaduct.Shared.Data.Hosting;

namespace Viaduct.Cli;

/// <summary>Who recorded an operator's action in <c>events</c>: the command line, on this machine and process.</summary>
internal static class CliIdentity
{
    public const string Engine = "viaduct-cli";

    public static EngineIdentity Current { get; } = EngineIdentity.For(Engine);
}
