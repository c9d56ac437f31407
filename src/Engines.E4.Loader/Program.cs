using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E4.Loader;

var builder = Host.CreateApplicationBuilder(args);
builder.AddE4Loader();
await builder.Build().RunAsync();
