using Viaduct.Dashboard;

var builder = WebApplication.CreateBuilder(args);
builder.AddViaductDashboard();
var app = builder.Build();
app.MapViaductDashboard();
await app.RunAsync();
