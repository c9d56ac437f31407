using Microsoft.AspNetCore.Builder;
using Viaduct.Engines.E1.Extractor;
using Viaduct.Shared.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddE1Extractor();
var app = builder.Build();
app.MapViaductOperations();
await app.RunAsync();
