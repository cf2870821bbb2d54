using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Pipeline.Testing;

/// <summary>
/// The real PostgreSQL (with pgvector) and RabbitMQ the tests run against: the servers named by
/// PIPELINE_TEST_POSTGRES / PIPELINE_TEST_RABBITMQ / PIPELINE_TEST_RABBITMQ_MANAGEMENT (what scripts/test.sh starts),
/// otherwise containers where a Docker engine exists. Without either the tests fail loudly: there is no fallback.
/// </summary>
public sealed class InfrastructureEndpoints
{
    public const string PostgresVariable = "PIPELINE_TEST_POSTGRES";
    public const string RabbitMqVariable = "PIPELINE_TEST_RABBITMQ";
    public const string RabbitMqManagementVariable = "PIPELINE_TEST_RABBITMQ_MANAGEMENT";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static InfrastructureEndpoints? _shared;

    private InfrastructureEndpoints(string postgresAdmin, Uri rabbitMq, Uri rabbitMqManagement)
    {
        PostgresAdminConnectionString = postgresAdmin;
        RabbitMq = rabbitMq;
        RabbitMqManagement = rabbitMqManagement;
    }

    /// <summary>A superuser connection string; fixtures create a database of their own with it.</summary>
    public string PostgresAdminConnectionString { get; }

    /// <summary>amqp://user:password@host:port/</summary>
    public Uri RabbitMq { get; }

    /// <summary>http://user:password@host:port/ of the management plugin; fixtures create a vhost of their own with it.</summary>
    public Uri RabbitMqManagement { get; }

    public static async Task<InfrastructureEndpoints> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _shared ??= await ResolveAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<InfrastructureEndpoints> ResolveAsync()
    {
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable);
        var rabbit = Environment.GetEnvironmentVariable(RabbitMqVariable);
        var management = Environment.GetEnvironmentVariable(RabbitMqManagementVariable);
        if (!string.IsNullOrWhiteSpace(postgres) && !string.IsNullOrWhiteSpace(rabbit) && !string.IsNullOrWhiteSpace(management))
            return new InfrastructureEndpoints(postgres, new Uri(rabbit), new Uri(management));

        if (!DockerCli.IsAvailable)
        {
            throw new InvalidOperationException(
                $"No PostgreSQL/RabbitMQ for the tests: set {PostgresVariable}, {RabbitMqVariable} and {RabbitMqManagementVariable} " +
                "(run the tests with scripts/test.sh, which starts real servers) or provide a Docker engine for Testcontainers.");
        }

        var pg = new PostgreSqlBuilder("pgvector/pgvector:pg15").Build();
        var mq = new RabbitMqBuilder("rabbitmq:3-management").WithPortBinding(15672, true).Build();
        await Task.WhenAll(pg.StartAsync(), mq.StartAsync());
        var amqp = new Uri(mq.GetConnectionString());
        var credentials = amqp.UserInfo;
        var managementUri = new Uri($"http://{credentials}@{mq.Hostname}:{mq.GetMappedPublicPort(15672)}/");
        return new InfrastructureEndpoints(pg.GetConnectionString(), amqp, managementUri);
    }

    /// <summary>Creates an empty database with pgvector and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var admin = new NpgsqlConnection(PostgresAdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(PostgresAdminConnectionString) { Database = name };
        return builder.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresAdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Creates a RabbitMQ virtual host for one fixture so concurrent test classes never see each other's messages.</summary>
    public async Task<string> CreateVirtualHostAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        using var http = ManagementClient();
        var user = Uri.UnescapeDataString(RabbitMqManagement.UserInfo.Split(':')[0]);
        (await http.PutAsync($"api/vhosts/{name}", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var permissions = new StringContent("{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}", System.Text.Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/permissions/{name}/{Uri.EscapeDataString(user)}", permissions)).EnsureSuccessStatusCode();
        return name;
    }

    public async Task DeleteVirtualHostAsync(string name)
    {
        using var http = ManagementClient();
        await http.DeleteAsync($"api/vhosts/{name}");
    }

    public HttpClient ManagementClient()
    {
        var parts = RabbitMqManagement.UserInfo.Split(':', 2);
        var http = new HttpClient { BaseAddress = new Uri(RabbitMqManagement.GetLeftPart(UriPartial.Authority) + "/") };
        var token = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            $"{Uri.UnescapeDataString(parts[0])}:{Uri.UnescapeDataString(parts.Length > 1 ? parts[1] : "")}"));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", token);
        return http;
    }

    /// <summary>Configuration keys that point a host at this fixture's database and virtual host.</summary>
    public Dictionary<string, string?> HostConfiguration(string databaseConnectionString, string virtualHost)
    {
        var user = RabbitMq.UserInfo.Split(':', 2);
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings:Pipeline"] = databaseConnectionString,
            ["RabbitMq:Host"] = RabbitMq.Host,
            ["RabbitMq:Port"] = RabbitMq.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RabbitMq:VirtualHost"] = virtualHost,
            ["RabbitMq:Username"] = Uri.UnescapeDataString(user[0]),
            ["RabbitMq:Password"] = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "",
            ["RabbitMq:ManagementPort"] = RabbitMqManagement.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static class DockerCli
    {
        public static bool IsAvailable
        {
            get
            {
                var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
                return !string.IsNullOrEmpty(host) || File.Exists("/var/run/docker.sock");
            }
        }
    }
}
