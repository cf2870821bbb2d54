using Pipeline.Api;
using Pipeline.Api.Hosting;
using Pipeline.ServiceDefaults;

// Settings files ship beside the binaries; the working directory stays the caller's (relative data paths).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddPipelineDefaults(ApiServices.ServiceName);
builder.AddApiServices();
var app = builder.Build();
app.MapPipelineDefaultEndpoints();
app.MapApi();
return await app.RunOrMigrateAsync(args);
