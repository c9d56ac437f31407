using Viaduct.Bench;

return await BenchCommands.RunAsync(args);
