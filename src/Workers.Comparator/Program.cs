using Pipeline.Workers.Comparator;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddComparatorWorkerServices();
await builder.Build().RunAsync();
