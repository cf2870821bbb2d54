using Pipeline.Workers.Legacy;

var builder = Host.CreateApplicationBuilder(args);
builder.AddLegacyWorkerServices();
await builder.Build().RunAsync();
