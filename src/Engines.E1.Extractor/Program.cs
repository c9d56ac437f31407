using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E1.Extractor;

var builder = Host.CreateApplicationBuilder(args);
builder.AddE1Extractor();
await builder.Build().RunAsync();
