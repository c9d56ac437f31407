using Microsoft.AspNetCore.Builder;
using Viaduct.Engines.E4.Loader;

var builder = WebApplication.CreateBuilder(args);
builder.AddE4Loader();
var app = builder.Build();
app.MapE4Loader();
await app.RunAsync();
