using Pipeline.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddApiServices();
var app = builder.Build();
app.MapApi();
await app.RunAsync();
