using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E2.Transformer;

var builder = Host.CreateApplicationBuilder(args);
builder.AddE2Transformer();
await builder.Build().RunAsync();
