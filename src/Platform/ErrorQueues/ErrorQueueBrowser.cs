using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Pipeline.Platform.Bus;

namespace Pipeline.Platform.ErrorQueues;

/// <summary>Lists the error queues of the bus's virtual host with their message counts (RabbitMQ management API).</summary>
public sealed class ErrorQueueBrowser(HttpClient http, IOptions<RabbitMqOptions> options)
{
    public const string HttpClientName = "rabbitmq-management";

    public async Task<IReadOnlyList<ErrorQueue>> ListAsync(CancellationToken cancellationToken)
    {
        var vhost = Uri.EscapeDataString(options.Value.VirtualHost);
        var queues = await http.GetFromJsonAsync<List<QueueInfo>>($"api/queues/{vhost}?columns=name,messages", cancellationToken) ?? [];
        return queues.Where(q => ErrorQueueNames.IsErrorQueue(q.Name))
            .Select(q => new ErrorQueue(q.Name, ErrorQueueNames.SourceOf(q.Name), q.Messages ?? 0))
            .OrderBy(q => q.Name, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<ErrorQueue?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(q => q.Name == name);

    private sealed record QueueInfo([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("messages")] long? Messages);
}
