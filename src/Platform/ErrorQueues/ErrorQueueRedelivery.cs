using Microsoft.Extensions.Options;
using Pipeline.Platform.Bus;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Pipeline.Platform.ErrorQueues;

/// <summary>
/// Moves failed messages back to the queue they failed in, once their cause is fixed. Each message is republished with
/// its headers and body, confirmed by the broker, and only then acknowledged on the error queue: a crash in between
/// leaves a copy in both places (the consumers are idempotent), never in neither.
/// </summary>
public sealed class ErrorQueueRedelivery(IOptions<RabbitMqOptions> options)
{
    /// <summary>Moves the messages present now (counted by the broker itself, not the lagging statistics), so one failing again is not looped.</summary>
    public async Task<int> RedeliverAsync(ErrorQueue queue, CancellationToken cancellationToken)
    {
        var rabbit = options.Value;
        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host,
            Port = rabbit.Port,
            VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username,
            Password = rabbit.Password,
            ClientProvidedName = "pipeline-error-redelivery",
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);

        var limit = (await channel.QueueDeclarePassiveAsync(queue.Name, cancellationToken)).MessageCount;
        var moved = 0;
        while (moved < limit)
        {
            var message = await channel.BasicGetAsync(queue.Name, autoAck: false, cancellationToken);
            if (message is null)
                break;
            try
            {
                // The default exchange routes by queue name; mandatory makes an unroutable message an error, not a loss.
                await channel.BasicPublishAsync("", queue.SourceQueue, mandatory: true, new BasicProperties(message.BasicProperties), message.Body, cancellationToken);
            }
            catch (Exception ex) when (ex is PublishException or OperationCanceledException)
            {
                await channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
                throw;
            }

            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        return moved;
    }
}
