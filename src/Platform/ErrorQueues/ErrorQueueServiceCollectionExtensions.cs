using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Platform.Bus;

namespace Pipeline.Platform.ErrorQueues;

/// <summary>Registration of error-queue operations (listing through the management API, redelivery over AMQP).</summary>
public static class ErrorQueueServiceCollectionExtensions
{
    public static IServiceCollection AddErrorQueues(this IServiceCollection services)
    {
        services.AddHttpClient<ErrorQueueBrowser>((sp, http) =>
        {
            var rabbit = sp.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
            http.BaseAddress = new Uri($"http://{rabbit.Host}:{rabbit.ManagementPort}/");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rabbit.Username}:{rabbit.Password}")));
        });
        services.AddSingleton<ErrorQueueRedelivery>();
        return services;
    }
}
