using Microsoft.AspNetCore.Builder;
using Viaduct.Engines.E5.Sync;
using Viaduct.Shared.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddE5Sync();
var app = builder.Build();
app.MapViaductOperations();
await app.RunAsync();
