using Microsoft.AspNetCore.Builder;
using Pipeline.ServiceDefaults;
using Pipeline.Workers.Workflow;

// A web host only for its probes: /health/live and /health/ready on the small port its Urls setting names.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddPipelineDefaults(WorkflowWorkerServices.ServiceName);
builder.AddWorkflowWorkerServices();
var app = builder.Build();
app.MapPipelineDefaultEndpoints();
await app.RunAsync();
