namespace Pipeline.Testing;

/// <summary>Bounded waiting for an eventual effect; fails with a message instead of hanging.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan? within = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
                return;
            await Task.Delay(50);
        }

        throw new TimeoutException($"Condition not met within {(within ?? TimeSpan.FromSeconds(30)).TotalSeconds} s. {because}");
    }
}
