using Viaduct.CommCare;

var builder = WebApplication.CreateBuilder(args);
builder.AddCommCareServer();
var app = builder.Build();
app.MapCommCareServer();
await app.RunAsync();
