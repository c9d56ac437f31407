using System.CommandLine;
using Viaduct.Run;

var parse = RunCommand.Create().Parse(args);
foreach (var error in parse.Errors)
{
    await Console.Error.WriteLineAsync($"{PrefixedOutput.OwnName}: {error.Message} (--help lists the options)");
}

// Signals are the supervisor's to handle (StopSignals): System.CommandLine must not end the process on Ctrl-C.
return parse.Errors.Count > 0
    ? RunCommand.ExitUsage
    : await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
