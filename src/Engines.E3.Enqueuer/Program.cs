using Microsoft.AspNetCore.Builder;
using Viaduct.Engines.E3.Enqueuer;
using Viaduct.Shared.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddE3Enqueuer();
var app = builder.Build();
app.MapViaductOperations();
await app.RunAsync();
