using Microsoft.Extensions.Hosting;
using Viaduct.Engines.E3.Enqueuer;

var builder = Host.CreateApplicationBuilder(args);
builder.AddE3Enqueuer();
await builder.Build().RunAsync();
