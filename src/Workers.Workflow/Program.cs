using Pipeline.Workers.Workflow;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddWorkflowWorkerServices();
await builder.Build().RunAsync();
