using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E5.Sync;

var builder = Host.CreateApplicationBuilder(args);
builder.AddE5Sync();
await builder.Build().RunAsync();
