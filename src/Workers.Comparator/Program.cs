using Pipeline.Workers.Comparator;

var builder = Host.CreateApplicationBuilder(args);
builder.AddComparatorWorkerServices();
await builder.Build().RunAsync();
