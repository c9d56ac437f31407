using Microsoft.AspNetCore.Builder;
using Viaduct.Engines.E4.Loader;
using Viaduct.Shared.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddE4Loader();
var app = builder.Build();
app.MapViaductOperations();
await app.RunAsync();
