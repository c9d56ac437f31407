using Microsoft.AspNetCore.Builder;
using Viaduct.Engines.E2.Transformer;
using Viaduct.Shared.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddE2Transformer();
var app = builder.Build();
app.MapViaductOperations();
await app.RunAsync();
