namespace Pipeline.Benchmarks.Load;

/// <summary>One request of a load run: its id (when the API gave one), caller-observed latency, success, and client kind.</summary>
public sealed record LoadSample(Guid RequestId, double LatencyMs, bool Succeeded, string Client);

/// <summary>A load run's samples and duration, with the figures the report needs.</summary>
public sealed record LoadResult(IReadOnlyList<LoadSample> Samples, double Seconds)
{
    public int Completed => Samples.Count(s => s.Succeeded);
    public int Errors => Samples.Count(s => !s.Succeeded);
    public double Throughput => Completed / Seconds;

    public double Percentile(double fraction) => PercentileOf(Samples.Where(s => s.Succeeded).Select(s => s.LatencyMs), fraction);

    public static double PercentileOf(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
    }
}
