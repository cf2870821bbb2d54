using Pipeline.Api;
using Pipeline.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddApiServices();
var app = builder.Build();
app.MapApi();
await app.RunOrMigrateAsync(args);
