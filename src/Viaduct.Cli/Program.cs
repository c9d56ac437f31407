using Viaduct.Cli;

return await ViaductCli.Create(CliSettings.FromEnvironment()).Parse(args).InvokeAsync();
