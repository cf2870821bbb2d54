using Pipeline.Workers.Legacy;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddLegacyWorkerServices();
await builder.Build().RunAsync();
