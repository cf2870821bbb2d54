using Microsoft.AspNetCore.Builder;
using Pipeline.ServiceDefaults;
using Pipeline.Workers.Legacy;

// A web host only for its probes: /health/live and /health/ready on the small port its Urls setting names.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddPipelineDefaults(LegacyWorkerServices.ServiceName);
builder.AddLegacyWorkerServices();
var app = builder.Build();
app.MapPipelineDefaultEndpoints();
await app.RunAsync();
