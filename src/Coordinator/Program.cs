using Microsoft.AspNetCore.Builder;
using Pipeline.ServiceDefaults;
using Pipeline.Coordinator;

// A web host only for its probes: /health/live and /health/ready on the small port its Urls setting names.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddPipelineDefaults(CoordinatorServices.ServiceName);
builder.AddCoordinatorServices();
var app = builder.Build();
app.MapPipelineDefaultEndpoints();
await app.RunAsync();
