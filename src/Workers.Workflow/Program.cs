using Pipeline.Workers.Workflow;

var builder = Host.CreateApplicationBuilder(args);
builder.AddWorkflowWorkerServices();
await builder.Build().RunAsync();
