using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Pipeline.Api.Hosting;
using Pipeline.Testing;
using Pipeline.ServiceDefaults;

namespace Pipeline.Api.Tests;

/// <summary>The API alone on real Kestrel, with its own migrated and seeded database and RabbitMQ virtual host.</summary>
public class ApiHost : IsolatedInfrastructure
{
    public const string AdminKey = "api-tests-admin-key-0123456";
    public const string UserKey = "api-tests-user-key";

    public WebApplication App { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;

    /// <summary>Settings a derived host adds on top of the defaults (set before start).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Overrides { get; } = new Dictionary<string, string?>();

    public Dictionary<string, string?> HostSettings()
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Admin:ApiKeys:0"] = AdminKey,
            ["Users:ApiKeys:0"] = UserKey,
            ["KnowledgeBase:SamplePath"] = RepositoryPaths.SampleKnowledgeBase,
            ["Flags:PollInterval"] = "00:00:01",
        };
        foreach (var (key, value) in Overrides)
            settings[key] = value;
        return settings;
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        App = await TestHosts.StartWebAsync(HostSettings(), b => b.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices(), a => a.MapPipelineDefaultEndpoints().MapApi(), typeof(ApiServices).Assembly.GetName().Name!);
        Address = new Uri(App.Urls.First());
        await MigrateCommand.MigrateAndSeedAsync(App.Services, CancellationToken.None);
        await TestHosts.WaitUntilReadyAsync(Address);
    }

    public override async Task DisposeAsync()
    {
        await TestHosts.StopQuietlyAsync(App);
        await base.DisposeAsync();
    }

    public HttpClient Client(string? key = AdminKey)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
